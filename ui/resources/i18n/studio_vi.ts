<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi">
<context>
    <name>Accounts</name>
    <message>
        <source>editor</source>
        <translation>biên tập</translation>
    </message>
    <message>
        <source>approver</source>
        <translation>phê duyệt</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>quản trị</translation>
    </message>
</context>
<context>
    <name>AccountsDialog</name>
    <message>
        <source>Audit log: %1 entries; chain head: entry %2, %3</source>
        <translation>Nhật ký: %1 dòng; đầu chuỗi băm: dòng %2, %3</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Tài khoản</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Tên đăng nhập</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Vai trò</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Change role</source>
        <translation>Đổi vai trò</translation>
    </message>
    <message>
        <source>New password…</source>
        <translation>Đặt mật khẩu mới…</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Khoá</translation>
    </message>
    <message>
        <source>Selected account:</source>
        <translation>Tài khoản đang chọn:</translation>
    </message>
    <message>
        <source>at least %1 characters</source>
        <translation>ít nhất %1 ký tự</translation>
    </message>
    <message>
        <source>Add the account</source>
        <translation>Thêm tài khoản</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>Tên đăng nhập:</translation>
    </message>
    <message>
        <source>Full name:</source>
        <translation>Họ tên:</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>Vai trò:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Mật khẩu:</translation>
    </message>
    <message>
        <source>New account</source>
        <translation>Tài khoản mới</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>Reading the accounts</source>
        <translation>Đang đọc danh sách tài khoản</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>đã khoá</translation>
    </message>
    <message>
        <source>active</source>
        <translation>đang dùng</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Mở khoá</translation>
    </message>
    <message>
        <source>Changing the role</source>
        <translation>Đang đổi vai trò</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Mật khẩu mới</translation>
    </message>
    <message>
        <source>New password for %1:</source>
        <translation>Mật khẩu mới cho %1:</translation>
    </message>
    <message>
        <source>The password needs at least %1 characters.</source>
        <translation>Mật khẩu cần ít nhất %1 ký tự.</translation>
    </message>
    <message>
        <source>Setting the password</source>
        <translation>Đang đặt mật khẩu</translation>
    </message>
    <message>
        <source>Changing the account</source>
        <translation>Đang thay đổi tài khoản</translation>
    </message>
    <message>
        <source>Type a user name without spaces.</source>
        <translation>Nhập tên đăng nhập không có dấu cách.</translation>
    </message>
    <message>
        <source>Adding the account</source>
        <translation>Đang thêm tài khoản</translation>
    </message>
</context>
<context>
    <name>ClipTableModel</name>
    <message>
        <source>Title</source>
        <translation>Tiêu đề</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Thời lượng</translation>
    </message>
    <message>
        <source>Loudness</source>
        <translation>Độ lớn</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Ngày thêm</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Ngôn ngữ</translation>
    </message>
    <message>
        <source>silent</source>
        <translation>im lặng</translation>
    </message>
</context>
<context>
    <name>LegacyBar</name>
    <message>
        <source>Convert to Unicode</source>
        <translation>Chuyển sang Unicode</translation>
    </message>
    <message>
        <source>Keep as typed</source>
        <translation>Giữ nguyên</translation>
    </message>
    <message>
        <source>This text looks typed in an old Vietnamese font (%1). As Unicode it reads: “%2…”</source>
        <translation>Văn bản này có vẻ được gõ bằng phông chữ cũ (%1). Chuyển sang Unicode sẽ thành: “%2…”</translation>
    </message>
</context>
<context>
    <name>ComposePanel</name>
    <message>
        <source>Title (default: the first line)</source>
        <translation>Tiêu đề (mặc định: dòng đầu tiên)</translation>
    </message>
    <message>
        <source>Default Vietnamese voice</source>
        <translation>Giọng tiếng Việt mặc định</translation>
    </message>
    <message>
        <source>Northern reading (linh, nghìn)</source>
        <translation>Cách đọc miền Bắc (linh, nghìn)</translation>
    </message>
    <message>
        <source>Southern reading (lẻ, ngàn)</source>
        <translation>Cách đọc miền Nam (lẻ, ngàn)</translation>
    </message>
    <message>
        <source>Open text file…</source>
        <translation>Mở tệp văn bản…</translation>
    </message>
    <message>
        <source>Listen</source>
        <translation>Nghe thử</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Dừng</translation>
    </message>
    <message>
        <source>Create bulletin</source>
        <translation>Tạo bản tin</translation>
    </message>
    <message>
        <source>Voice:</source>
        <translation>Giọng đọc:</translation>
    </message>
    <message>
        <source>Reading:</source>
        <translation>Cách đọc:</translation>
    </message>
    <message>
        <source>Speed:</source>
        <translation>Tốc độ:</translation>
    </message>
    <message>
        <source>Type or paste the notice here…</source>
        <translation>Gõ hoặc dán thông báo vào đây…</translation>
    </message>
    <message>
        <source>Add a reading…</source>
        <translation>Thêm cách đọc…</translation>
    </message>
    <message>
        <source>Text of the notice</source>
        <translation>Nội dung thông báo</translation>
    </message>
    <message>
        <source>What will be read</source>
        <translation>Nội dung sẽ được đọc</translation>
    </message>
    <message>
        <source>Not read with confidence:</source>
        <translation>Chưa chắc đọc đúng:</translation>
    </message>
    <message>
        <source>Finding voices</source>
        <translation>Đang tìm giọng đọc</translation>
    </message>
    <message>
        <source>Loading the dictionary</source>
        <translation>Đang nạp từ điển</translation>
    </message>
    <message>
        <source>unknown abbreviation, spelled out</source>
        <translation>từ viết tắt chưa biết, sẽ đánh vần</translation>
    </message>
    <message>
        <source>foreign word, may be misread</source>
        <translation>từ nước ngoài, có thể đọc sai</translation>
    </message>
    <message>
        <source>symbol, not read</source>
        <translation>ký hiệu, không đọc</translation>
    </message>
    <message>
        <source>web address, read as written</source>
        <translation>địa chỉ web, đọc nguyên văn</translation>
    </message>
    <message>
        <source>Add a reading</source>
        <translation>Thêm cách đọc</translation>
    </message>
    <message>
        <source>How should “%1” be read?</source>
        <translation>Đọc “%1” như thế nào?</translation>
    </message>
    <message>
        <source>Saving to the dictionary</source>
        <translation>Đang lưu vào từ điển</translation>
    </message>
    <message>
        <source>Open a text file</source>
        <translation>Mở tệp văn bản</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>Tệp văn bản (*.txt);;Mọi tệp (*)</translation>
    </message>
    <message>
        <source>Opening %1</source>
        <translation>Đang mở %1</translation>
    </message>
    <message>
        <source>Preparing the first sentence</source>
        <translation>Đang chuẩn bị câu đầu tiên</translation>
    </message>
    <message>
        <source>Reading the notice aloud</source>
        <translation>Đang đọc thông báo</translation>
    </message>
    <message>
        <source>Creating the bulletin</source>
        <translation>Đang tạo bản tin</translation>
    </message>
    <message>
        <source> syllables/min</source>
        <translation> âm tiết/phút</translation>
    </message>
    <message>
        <source>a date or a range? check how it is read</source>
        <translation>ngày tháng hay khoảng số? kiểm tra cách đọc</translation>
    </message>
    <message>
        <source>%1 syllables to read, about %2 min; %3 to check.</source>
        <translation>%1 âm tiết sẽ đọc, khoảng %2 phút; %3 chỗ cần kiểm tra.</translation>
    </message>
    <message>
        <source>Loading the voice</source>
        <translation>Đang nạp giọng đọc</translation>
    </message>
</context>
<context>
    <name>EditorPanel</name>
    <message>
        <source>No clip open</source>
        <translation>Chưa mở bản ghi nào</translation>
    </message>
    <message>
        <source>Play selection</source>
        <translation>Nghe vùng chọn</translation>
    </message>
    <message>
        <source>Set start here</source>
        <translation>Đặt điểm đầu</translation>
    </message>
    <message>
        <source>Set end here</source>
        <translation>Đặt điểm cuối</translation>
    </message>
    <message>
        <source>Cut selection</source>
        <translation>Cắt vùng chọn</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Hoàn tác</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Làm lại</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Phóng to</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Thu nhỏ</translation>
    </message>
    <message>
        <source>Whole clip</source>
        <translation>Toàn bộ</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Xuất tệp…</translation>
    </message>
    <message>
        <source>Level and fades</source>
        <translation>Mức âm và chuyển âm</translation>
    </message>
    <message>
        <source>Gain</source>
        <translation>Tăng/giảm âm lượng</translation>
    </message>
    <message>
        <source>Fade in</source>
        <translation>Tăng dần đầu</translation>
    </message>
    <message>
        <source>Fade out</source>
        <translation>Giảm dần cuối</translation>
    </message>
    <message>
        <source>Normalised for broadcast</source>
        <translation>Chuẩn hoá để phát sóng</translation>
    </message>
    <message>
        <source>Opening the clip</source>
        <translation>Đang mở bản ghi</translation>
    </message>
    <message>
        <source>Saving the edit</source>
        <translation>Đang lưu chỉnh sửa</translation>
    </message>
    <message>
        <source>Set start</source>
        <translation>Đặt điểm đầu</translation>
    </message>
    <message>
        <source>Set end</source>
        <translation>Đặt điểm cuối</translation>
    </message>
    <message>
        <source>Cut</source>
        <translation>Cắt</translation>
    </message>
    <message>
        <source>Change level</source>
        <translation>Đổi mức âm</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Dừng</translation>
    </message>
    <message>
        <source>Normalising…</source>
        <translation>Đang chuẩn hoá…</translation>
    </message>
    <message>
        <source>Could not normalise this clip.</source>
        <translation>Không chuẩn hoá được bản ghi này.</translation>
    </message>
    <message>
        <source>Normalising for broadcast</source>
        <translation>Đang chuẩn hoá để phát sóng</translation>
    </message>
    <message>
        <source>Loudness %1 LUFS (target %2) %3&lt;br&gt;True peak %4 dBTP (limit %5) %6&lt;br&gt;Length %7</source>
        <translation>Độ lớn %1 LUFS (mục tiêu %2) %3&lt;br&gt;Đỉnh thực %4 dBTP (giới hạn %5) %6&lt;br&gt;Thời lượng %7</translation>
    </message>
    <message>
        <source>Export for broadcast</source>
        <translation>Xuất tệp để phát sóng</translation>
    </message>
    <message>
        <source>Opus (*.opus);;MP3 (*.mp3);;WAV (*.wav)</source>
        <translation>Opus (*.opus);;MP3 (*.mp3);;WAV (*.wav)</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>Đang xuất tệp</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <source>Something went wrong</source>
        <translation>Có lỗi xảy ra</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>Sao chép chi tiết</translation>
    </message>
    <message>
        <source>Show details</source>
        <translation>Xem chi tiết</translation>
    </message>
</context>
<context>
    <name>ErrorMessages</name>
    <message>
        <source>“%1” is not an audio format the studio can read.</source>
        <translation>“%1” không phải định dạng âm thanh mà studio đọc được.</translation>
    </message>
    <message>
        <source>Use WAV, FLAC, OGG, Opus or MP3. Convert the file, then import it again.</source>
        <translation>Hãy dùng WAV, FLAC, OGG, Opus hoặc MP3. Chuyển đổi tệp rồi nhập lại.</translation>
    </message>
    <message>
        <source>“%1” holds no sound.</source>
        <translation>“%1” không có âm thanh.</translation>
    </message>
    <message>
        <source>Check that the right file was chosen.</source>
        <translation>Hãy kiểm tra xem đã chọn đúng tệp chưa.</translation>
    </message>
    <message>
        <source>“%1” is incomplete: the file was cut off.</source>
        <translation>“%1” không đầy đủ: tệp bị cắt cụt.</translation>
    </message>
    <message>
        <source>Copy the file again from its source (a USB stick removed too early cuts files).</source>
        <translation>Hãy chép lại tệp từ nguồn (rút USB quá sớm sẽ làm cụt tệp).</translation>
    </message>
    <message>
        <source>“%1” is damaged and cannot be read.</source>
        <translation>“%1” bị hỏng, không đọc được.</translation>
    </message>
    <message>
        <source>Copy the file again from its source, or record the bulletin again.</source>
        <translation>Hãy chép lại tệp từ nguồn, hoặc thu âm lại bản tin.</translation>
    </message>
    <message>
        <source>“%1” has the wrong file extension for its content.</source>
        <translation>“%1” có phần mở rộng không khớp với nội dung.</translation>
    </message>
    <message>
        <source>Rename the file with the right extension, then import it again.</source>
        <translation>Hãy đổi tên tệp với đúng phần mở rộng rồi nhập lại.</translation>
    </message>
    <message>
        <source>“%1” is too large or too long to import.</source>
        <translation>“%1” quá lớn hoặc quá dài để nhập.</translation>
    </message>
    <message>
        <source>Split the recording into parts under 6 hours.</source>
        <translation>Hãy chia bản thu thành các phần dưới 6 giờ.</translation>
    </message>
    <message>
        <source>The studio could not save to disk.</source>
        <translation>Studio không ghi được vào ổ đĩa.</translation>
    </message>
    <message>
        <source>Free some disk space or choose another data folder in Settings.</source>
        <translation>Hãy giải phóng dung lượng ổ đĩa hoặc chọn thư mục dữ liệu khác trong Cài đặt.</translation>
    </message>
    <message>
        <source>This clip is silent after editing; there is nothing to normalise.</source>
        <translation>Bản ghi này im lặng sau khi chỉnh sửa; không có gì để chuẩn hoá.</translation>
    </message>
    <message>
        <source>Check the trim and cut ranges.</source>
        <translation>Hãy kiểm tra điểm đầu, điểm cuối và các đoạn cắt.</translation>
    </message>
    <message>
        <source>This edit does not fit the clip.</source>
        <translation>Chỉnh sửa này vượt ra ngoài bản ghi.</translation>
    </message>
    <message>
        <source>Select a range inside the recording.</source>
        <translation>Hãy chọn một vùng nằm trong bản ghi.</translation>
    </message>
    <message>
        <source>There is nothing more to undo or redo.</source>
        <translation>Không còn gì để hoàn tác hoặc làm lại.</translation>
    </message>
    <message>
        <source>The clip is as it was when it was imported, or as its newest edit.</source>
        <translation>Bản ghi đang ở trạng thái lúc nhập, hoặc ở chỉnh sửa mới nhất.</translation>
    </message>
    <message>
        <source>This clip is no longer in the library.</source>
        <translation>Bản ghi này không còn trong thư viện.</translation>
    </message>
    <message>
        <source>It may be in the trash.</source>
        <translation>Có thể nó đang ở trong thùng rác.</translation>
    </message>
    <message>
        <source>The sound device cannot be used.</source>
        <translation>Không dùng được thiết bị âm thanh.</translation>
    </message>
    <message>
        <source>Check that speakers or headphones are plugged in, or choose another device in Settings.</source>
        <translation>Hãy kiểm tra loa hoặc tai nghe đã cắm chưa, hoặc chọn thiết bị khác trong Cài đặt.</translation>
    </message>
    <message>
        <source>The library was made by a newer version of the studio.</source>
        <translation>Thư viện được tạo bởi phiên bản studio mới hơn.</translation>
    </message>
    <message>
        <source>Update the studio.</source>
        <translation>Hãy cập nhật studio.</translation>
    </message>
    <message>
        <source>A setting has a value the studio cannot use.</source>
        <translation>Một mục cài đặt có giá trị không dùng được.</translation>
    </message>
    <message>
        <source>Open Settings and correct it.</source>
        <translation>Hãy mở Cài đặt và sửa lại.</translation>
    </message>
    <message>
        <source>There is nothing to read aloud in this text.</source>
        <translation>Văn bản này không có gì để đọc.</translation>
    </message>
    <message>
        <source>Type or paste the notice first.</source>
        <translation>Hãy gõ hoặc dán thông báo trước.</translation>
    </message>
    <message>
        <source>“%1” cannot be opened as text.</source>
        <translation>Không mở được “%1” dưới dạng văn bản.</translation>
    </message>
    <message>
        <source>Open a .txt file. A Word document must first be saved as plain text (Save As, .txt).</source>
        <translation>Hãy mở tệp .txt. Tài liệu Word cần được lưu thành văn bản thuần trước (Lưu thành, .txt).</translation>
    </message>
    <message>
        <source>The speech engine is not installed or cannot start.</source>
        <translation>Bộ đọc văn bản chưa được cài đặt hoặc không khởi động được.</translation>
    </message>
    <message>
        <source>Reinstall the studio. On Windows, add the Vietnamese voice (Settings, Time and language, Speech).</source>
        <translation>Hãy cài lại studio. Trên Windows, hãy thêm giọng tiếng Việt (Cài đặt, Thời gian và ngôn ngữ, Giọng nói).</translation>
    </message>
    <message>
        <source>The chosen voice is not available on this computer.</source>
        <translation>Giọng đọc đã chọn không có trên máy này.</translation>
    </message>
    <message>
        <source>Choose another voice in the list.</source>
        <translation>Hãy chọn giọng khác trong danh sách.</translation>
    </message>
    <message>
        <source>The speech engine stopped responding and was stopped.</source>
        <translation>Bộ đọc văn bản ngừng phản hồi và đã bị dừng.</translation>
    </message>
    <message>
        <source>Try again. If it happens again, restart the computer or choose another voice.</source>
        <translation>Hãy thử lại. Nếu vẫn bị, hãy khởi động lại máy hoặc chọn giọng khác.</translation>
    </message>
    <message>
        <source>This account may not do that, or the name or password is wrong.</source>
        <translation>Tài khoản này không được làm việc đó, hoặc tên hay mật khẩu không đúng.</translation>
    </message>
    <message>
        <source>Check the user name and password; approval needs an approver's account.</source>
        <translation>Hãy kiểm tra tên và mật khẩu; phê duyệt cần tài khoản người phê duyệt.</translation>
    </message>
    <message>
        <source>This is the last administrator account: it must stay an enabled admin.</source>
        <translation>Đây là tài khoản quản trị cuối cùng: nó phải giữ vai trò quản trị và không bị khoá.</translation>
    </message>
    <message>
        <source>Make another account an admin first.</source>
        <translation>Hãy cho một tài khoản khác vai trò quản trị trước.</translation>
    </message>
    <message>
        <source>Broadcasts or receivers still use this zone, so it cannot be deleted.</source>
        <translation>Vùng này vẫn còn buổi phát hoặc thiết bị thu, nên không xoá được.</translation>
    </message>
    <message>
        <source>Delete its broadcasts and move its receivers to another zone first.</source>
        <translation>Hãy xoá các buổi phát của vùng và chuyển thiết bị thu sang vùng khác trước.</translation>
    </message>
    <message>
        <source>There is no account with this name.</source>
        <translation>Không có tài khoản nào tên như vậy.</translation>
    </message>
    <message>
        <source>Ask the administrator to create it.</source>
        <translation>Hãy nhờ người quản trị tạo tài khoản.</translation>
    </message>
    <message>
        <source>This programme is not at the step for that.</source>
        <translation>Chương trình này chưa ở bước làm được việc đó.</translation>
    </message>
    <message>
        <source>A programme is submitted before it is approved; if it changed since, submit it again.</source>
        <translation>Chương trình phải được gửi duyệt trước khi phê duyệt; nếu đã thay đổi sau khi gửi, hãy gửi lại.</translation>
    </message>
    <message>
        <source>The programme cannot be made like this.</source>
        <translation>Không tạo được chương trình như thế này.</translation>
    </message>
    <message>
        <source>It needs at least one item, and every clip must still be in the library.</source>
        <translation>Chương trình cần ít nhất một mục, và mọi bản ghi phải còn trong thư viện.</translation>
    </message>
    <message>
        <source>The schedule entry has a value the studio cannot use.</source>
        <translation>Lịch phát có giá trị mà studio không dùng được.</translation>
    </message>
    <message>
        <source>Check the time, the repeat rule and the zone's rules.</source>
        <translation>Hãy kiểm tra giờ phát, cách lặp lại và quy định của vùng.</translation>
    </message>
    <message>
        <source>It is no longer there.</source>
        <translation>Mục này không còn nữa.</translation>
    </message>
    <message>
        <source>It may have been deleted; refresh the list.</source>
        <translation>Có thể nó đã bị xoá; hãy làm mới danh sách.</translation>
    </message>
    <message>
        <source>The receiver does not answer.</source>
        <translation>Thiết bị thu không trả lời.</translation>
    </message>
    <message>
        <source>Check its power and network. What was published waits in the outbox and is sent when it is back.</source>
        <translation>Hãy kiểm tra nguồn điện và mạng. Nội dung đã phát hành nằm trong hàng đợi và sẽ được gửi khi thiết bị có mạng trở lại.</translation>
    </message>
    <message>
        <source>The receiver refused the request.</source>
        <translation>Thiết bị thu từ chối yêu cầu.</translation>
    </message>
    <message>
        <source>Check the pairing code, or whether it was paired with another studio. Copy the details for support.</source>
        <translation>Hãy kiểm tra mã ghép, hoặc thiết bị có đang ghép với studio khác không. Sao chép chi tiết gửi hỗ trợ kỹ thuật.</translation>
    </message>
    <message>
        <source>This clip was recorded or imported, not made from text.</source>
        <translation>Bản ghi này được thu âm hoặc nhập vào, không phải đọc từ văn bản.</translation>
    </message>
    <message>
        <source>Only bulletins made in Write a bulletin can be read again.</source>
        <translation>Chỉ bản tin tạo trong Soạn bản tin mới đọc lại được.</translation>
    </message>
    <message>
        <source>The speech engine could not read this text.</source>
        <translation>Bộ đọc văn bản không đọc được văn bản này.</translation>
    </message>
    <message>
        <source>Try again, or shorten the text. Copy the details for technical support.</source>
        <translation>Hãy thử lại hoặc rút ngắn văn bản. Sao chép chi tiết gửi hỗ trợ kỹ thuật.</translation>
    </message>
    <message>
        <source>An unexpected error occurred.</source>
        <translation>Đã xảy ra lỗi không mong muốn.</translation>
    </message>
    <message>
        <source>Your work is saved. Copy the details and send them to technical support.</source>
        <translation>Công việc của bạn đã được lưu. Hãy sao chép chi tiết và gửi cho bộ phận hỗ trợ kỹ thuật.</translation>
    </message>
    <message>
        <source>The microphone or speaker “%2” was not found.</source>
        <translation>Không tìm thấy micrô hoặc loa “%2”.</translation>
    </message>
    <message>
        <source>Plug it in and press Refresh, or choose another device.</source>
        <translation>Hãy cắm thiết bị rồi bấm Làm mới, hoặc chọn thiết bị khác.</translation>
    </message>
    <message>
        <source>The sound device “%2” is being used by another program.</source>
        <translation>Thiết bị âm thanh “%2” đang được chương trình khác sử dụng.</translation>
    </message>
    <message>
        <source>Close the other program (Zalo, a browser call…) and try again.</source>
        <translation>Hãy tắt chương trình kia (Zalo, cuộc gọi trên trình duyệt…) rồi thử lại.</translation>
    </message>
    <message>
        <source>The studio is not allowed to use the sound device “%2”.</source>
        <translation>Studio không được phép dùng thiết bị âm thanh “%2”.</translation>
    </message>
    <message>
        <source>Allow microphone access in the system's privacy settings.</source>
        <translation>Hãy cho phép dùng micrô trong phần quyền riêng tư của hệ thống.</translation>
    </message>
    <message>
        <source>The sound device “%2” was unplugged.</source>
        <translation>Thiết bị âm thanh “%2” đã bị rút ra.</translation>
    </message>
    <message>
        <source>What was recorded is kept. Plug it back in to go on.</source>
        <translation>Phần đã thu vẫn được giữ. Hãy cắm lại để thu tiếp.</translation>
    </message>
    <message>
        <source>default device</source>
        <translation>thiết bị mặc định</translation>
    </message>
    <message>
        <source>The device at %2 claims to be the receiver already paired at %1. Nothing was changed.</source>
        <translation>Thiết bị ở %2 tự nhận là thiết bị thu đã ghép nối ở %1. Không có gì bị thay đổi.</translation>
    </message>
    <message>
        <source>It may be a copy of that receiver's memory card or an impostor: check the device. If the receiver really moved, pair it again replacing the old address (radio-studio receivers add --replace).</source>
        <translation>Có thể đó là bản sao thẻ nhớ của thiết bị thu kia hoặc một thiết bị giả mạo: hãy kiểm tra thiết bị. Nếu thiết bị thu thật sự đã chuyển chỗ, hãy ghép nối lại, thay địa chỉ cũ (radio-studio receivers add --replace).</translation>
    </message>
    <message>
        <source>The receiver reports a fault of its own.</source>
        <translation>Thiết bị thu báo một lỗi của chính nó.</translation>
    </message>
    <message>
        <source>It keeps playing what it can. Copy the details for technical support.</source>
        <translation>Thiết bị vẫn phát những gì có thể. Hãy sao chép chi tiết gửi bộ phận kỹ thuật.</translation>
    </message>
    <message>
        <source>The receiver cannot open its sound output (amplifier or sound card).</source>
        <translation>Thiết bị thu không mở được đầu ra âm thanh (bộ khuếch đại hoặc card âm thanh).</translation>
    </message>
    <message>
        <source>Check the cable to the amplifier and that the sound card is plugged in, then restart it.</source>
        <translation>Kiểm tra dây nối tới bộ khuếch đại và card âm thanh đã cắm chưa, rồi khởi động lại thiết bị.</translation>
    </message>
    <message>
        <source>The receiver's player hit an unexpected error and carried on.</source>
        <translation>Bộ phát của thiết bị thu gặp lỗi bất ngờ và vẫn tiếp tục chạy.</translation>
    </message>
    <message>
        <source>If broadcasts are missed, restart the receiver and copy the details for technical support.</source>
        <translation>Nếu bị lỡ buổi phát, hãy khởi động lại thiết bị thu và sao chép chi tiết gửi bộ phận kỹ thuật.</translation>
    </message>
    <message>
        <source>The receiver no longer trusts this studio: it needs pairing again.</source>
        <translation>Thiết bị thu không còn tin cậy studio này: cần ghép lại.</translation>
    </message>
    <message>
        <source>Reset its pairing on the receiver, then pair it again with the code it shows.</source>
        <translation>Đặt lại ghép nối trên thiết bị thu, rồi ghép lại bằng mã thiết bị hiển thị.</translation>
    </message>
    <message>
        <source>An editor sending an emergency without an approver must give the reason.</source>
        <translation>Biên tập viên gửi tin khẩn cấp mà không có người phê duyệt phải ghi lý do.</translation>
    </message>
    <message>
        <source>Write why it cannot wait, or ask an approver to sign in.</source>
        <translation>Hãy ghi vì sao không thể chờ, hoặc nhờ người phê duyệt đăng nhập.</translation>
    </message>
    <message>
        <source>No loudspeaker is paired in the chosen zones.</source>
        <translation>Chưa có loa nào được ghép ở các vùng đã chọn.</translation>
    </message>
    <message>
        <source>Choose other zones, or pair their receivers first.</source>
        <translation>Hãy chọn vùng khác, hoặc ghép thiết bị thu của vùng đó trước.</translation>
    </message>
    <message>
        <source>Nothing was played there on that day, or it is older than the archive keeps.</source>
        <translation>Ngày đó nơi này không phát gì, hoặc nội dung đã quá thời hạn lưu trữ.</translation>
    </message>
    <message>
        <source>Choose another day or place; the archive keeps what was played for the months set in Settings.</source>
        <translation>Hãy chọn ngày hoặc nơi khác; kho lưu trữ giữ nội dung đã phát theo số tháng đặt trong Cài đặt.</translation>
    </message>
    <message>
        <source>A recording the archive needs is no longer on this computer.</source>
        <translation>Một tệp âm thanh mà kho lưu trữ cần không còn trên máy này.</translation>
    </message>
    <message>
        <source>Restore the data folder from a backup. Copy the details for technical support.</source>
        <translation>Hãy khôi phục thư mục dữ liệu từ bản sao lưu. Sao chép chi tiết để gửi bộ phận kỹ thuật.</translation>
    </message>
    <message>
        <source>No API key has been entered for this speech service.</source>
        <translation>Chưa nhập khoá API cho dịch vụ đọc văn bản này.</translation>
    </message>
    <message>
        <source>Open Settings, Speech services, and enter the key from the provider's account.</source>
        <translation>Mở Cài đặt, mục Dịch vụ giọng đọc, rồi nhập khoá lấy từ tài khoản của nhà cung cấp.</translation>
    </message>
    <message>
        <source>The speech service refused the API key.</source>
        <translation>Dịch vụ đọc văn bản từ chối khoá API.</translation>
    </message>
    <message>
        <source>Check the key in Settings, Speech services: it may be mistyped, expired or revoked.</source>
        <translation>Kiểm tra khoá trong Cài đặt, mục Dịch vụ giọng đọc: khoá có thể gõ sai, đã hết hạn hoặc bị thu hồi.</translation>
    </message>
    <message>
        <source>The speech service account has used up its quota.</source>
        <translation>Tài khoản dịch vụ đọc văn bản đã dùng hết hạn mức.</translation>
    </message>
    <message>
        <source>Top up the account with the provider, or choose a voice of this computer for now.</source>
        <translation>Hãy nạp thêm hạn mức với nhà cung cấp, hoặc tạm chọn giọng đọc có sẵn trên máy.</translation>
    </message>
    <message>
        <source>The speech service is receiving too many requests.</source>
        <translation>Dịch vụ đọc văn bản đang nhận quá nhiều yêu cầu.</translation>
    </message>
    <message>
        <source>Wait a minute and try again.</source>
        <translation>Hãy chờ một phút rồi thử lại.</translation>
    </message>
    <message>
        <source>The speech service cannot be reached (no Internet connection?).</source>
        <translation>Không kết nối được dịch vụ đọc văn bản (mất mạng Internet?).</translation>
    </message>
    <message>
        <source>The bulletin waits in the queue and is made when the connection is back; this computer's voice reads it meanwhile.</source>
        <translation>Bản tin được xếp hàng chờ và sẽ được tạo khi có mạng lại; trong lúc chờ, giọng đọc trên máy sẽ đọc bản tin.</translation>
    </message>
    <message>
        <source>The speech service did not send the audio in time.</source>
        <translation>Dịch vụ đọc văn bản không gửi âm thanh kịp thời.</translation>
    </message>
    <message>
        <source>Try again; a long text takes the service longer.</source>
        <translation>Hãy thử lại; văn bản dài thì dịch vụ cần nhiều thời gian hơn.</translation>
    </message>
    <message>
        <source>The speech service could not read this text.</source>
        <translation>Dịch vụ đọc văn bản không đọc được văn bản này.</translation>
    </message>
    <message>
        <source>Try again later, or choose a voice of this computer. Copy the details for technical support.</source>
        <translation>Hãy thử lại sau, hoặc chọn giọng đọc có sẵn trên máy. Sao chép chi tiết gửi hỗ trợ kỹ thuật.</translation>
    </message>
    <message>
        <source>“%1” is not a usable voice: the file is damaged, cut off or incomplete.</source>
        <translation>“%1” không phải giọng đọc dùng được: tệp bị hỏng, bị cắt cụt hoặc thiếu.</translation>
    </message>
    <message>
        <source>Copy the .onnx file again together with its .onnx.json, then install it again. Nothing was installed.</source>
        <translation>Chép lại tệp .onnx cùng tệp .onnx.json đi kèm, rồi cài lại. Chưa có gì được cài.</translation>
    </message>
    <message>
        <source>A voice of this name is already installed.</source>
        <translation>Đã có giọng đọc cùng tên được cài.</translation>
    </message>
    <message>
        <source>Remove the installed one first, or install it under another name.</source>
        <translation>Gỡ giọng đã cài trước, hoặc cài với tên khác.</translation>
    </message>
    <message>
        <source>This voice is not installed.</source>
        <translation>Giọng đọc này chưa được cài.</translation>
    </message>
    <message>
        <source>That is not a valid MQTT broker address.</source>
        <translation>Địa chỉ máy chủ MQTT không hợp lệ.</translation>
    </message>
    <message>
        <source>Write it as mqtt://ADDRESS:PORT/RECEIVER_ID, with the receiver id the receiver shows (mqtts:// for an encrypted broker).</source>
        <translation>Hãy nhập theo dạng mqtt://ĐỊA_CHỈ:CỔNG/MÃ_THIẾT_BỊ, với mã thiết bị hiện trên loa (dùng mqtts:// nếu máy chủ có mã hoá).</translation>
    </message>
    <message>
        <source>The studio has no account on that MQTT broker.</source>
        <translation>Studio chưa có tài khoản trên máy chủ MQTT này.</translation>
    </message>
    <message>
        <source>Run “radio-studio broker connect” with the account the province gave you, or “radio-studio broker serve” for the commune's own broker, then try again.</source>
        <translation>Hãy chạy «radio-studio broker connect» với tài khoản tỉnh cấp, hoặc «radio-studio broker serve» nếu xã tự chạy máy chủ, rồi thử lại.</translation>
    </message>
    <message>
        <source>The MQTT broker (Mosquitto) is not installed on this computer.</source>
        <translation>Máy này chưa cài máy chủ MQTT (Mosquitto).</translation>
    </message>
    <message>
        <source>Install the package “mosquitto”, or use the province's broker.</source>
        <translation>Hãy cài gói «mosquitto», hoặc dùng máy chủ MQTT của tỉnh.</translation>
    </message>
    <message>
        <source>The MQTT broker cannot be reached.</source>
        <translation>Không kết nối được tới máy chủ MQTT.</translation>
    </message>
    <message>
        <source>Check the network and the broker's address. What was published waits in the outbox and is sent when the broker is back.</source>
        <translation>Hãy kiểm tra mạng và địa chỉ máy chủ. Nội dung đã phát hành nằm trong hàng đợi và sẽ được gửi khi máy chủ hoạt động trở lại.</translation>
    </message>
    <message>
        <source>The MQTT broker refused to create or change a receiver's account.</source>
        <translation>Máy chủ MQTT từ chối tạo hoặc sửa tài khoản của thiết bị thu.</translation>
    </message>
    <message>
        <source>Check that the studio's broker account is an administrator. Copy the details for technical support.</source>
        <translation>Hãy kiểm tra tài khoản của studio trên máy chủ có quyền quản trị. Sao chép chi tiết để gửi bộ phận kỹ thuật.</translation>
    </message>
    <message>
        <source>The relay item cannot be used as it is.</source>
        <translation>Mục tiếp sóng không dùng được như hiện tại.</translation>
    </message>
    <message>
        <source>Double-click it to change it: its address starts with http:// or https://, it lasts up to 24 hours, and a programme relays one stream.</source>
        <translation>Nhấp đúp vào mục đó để sửa: địa chỉ phải bắt đầu bằng http:// hoặc https://, thời lượng tối đa 24 giờ, và mỗi chương trình chỉ tiếp sóng một luồng.</translation>
    </message>
</context>
<context>
    <name>FirstRunGuide</name>
    <message>
        <source>&lt;a href='record'&gt;Record&lt;/a&gt; a bulletin or &lt;a href='tts'&gt;write one&lt;/a&gt; to be read aloud</source>
        <translation>&lt;a href='record'&gt;Thu âm&lt;/a&gt; bản tin hoặc &lt;a href='tts'&gt;soạn bản tin&lt;/a&gt; để máy đọc</translation>
    </message>
    <message>
        <source>put it in a &lt;a href='programmes'&gt;programme&lt;/a&gt; and send it for approval</source>
        <translation>ghép vào &lt;a href='programmes'&gt;chương trình&lt;/a&gt; và gửi phê duyệt</translation>
    </message>
    <message>
        <source>the commune leader approves it with their own account</source>
        <translation>lãnh đạo xã phê duyệt bằng tài khoản của mình</translation>
    </message>
    <message>
        <source>&lt;a href='schedule'&gt;schedule&lt;/a&gt; it for the villages</source>
        <translation>&lt;a href='schedule'&gt;xếp lịch phát&lt;/a&gt; cho các thôn</translation>
    </message>
    <message>
        <source>&lt;a href='receivers'&gt;publish&lt;/a&gt; to the loudspeakers</source>
        <translation>&lt;a href='receivers'&gt;phát hành&lt;/a&gt; tới các loa</translation>
    </message>
    <message>
        <source>First steps</source>
        <translation>Bước đầu</translation>
    </message>
    <message>
        <source>User guide</source>
        <translation>Hướng dẫn sử dụng</translation>
    </message>
    <message>
        <source>Got it</source>
        <translation>Đã hiểu</translation>
    </message>
</context>
<context>
    <name>GuideDialog</name>
    <message>
        <source>User guide</source>
        <translation>Hướng dẫn sử dụng</translation>
    </message>
    <message>
        <source>The user guide is missing from this installation.</source>
        <translation>Bản cài đặt này thiếu tài liệu hướng dẫn sử dụng.</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
</context>
<context>
    <name>LibraryPanel</name>
    <message>
        <source>Search by title or file name…</source>
        <translation>Tìm theo tiêu đề hoặc tên tệp…</translation>
    </message>
    <message>
        <source>Show trash</source>
        <translation>Xem thùng rác</translation>
    </message>
    <message>
        <source>Import files…</source>
        <translation>Nhập tệp…</translation>
    </message>
    <message>
        <source>Import folder…</source>
        <translation>Nhập thư mục…</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Nghe thử</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Chỉnh sửa</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Đổi tên…</translation>
    </message>
    <message>
        <source>Move to trash</source>
        <translation>Chuyển vào thùng rác</translation>
    </message>
    <message>
        <source>Read the text again…</source>
        <translation>Đọc lại văn bản…</translation>
    </message>
    <message>
        <source>Open this bulletin's text in Write a bulletin</source>
        <translation>Mở văn bản của bản tin này trong Soạn bản tin</translation>
    </message>
    <message>
        <source>Drag audio files or folders here to import them.</source>
        <translation>Kéo thả tệp âm thanh hoặc thư mục vào đây để nhập.</translation>
    </message>
    <message>
        <source>Loading the library</source>
        <translation>Đang tải thư viện</translation>
    </message>
    <message>
        <source>Import audio</source>
        <translation>Nhập âm thanh</translation>
    </message>
    <message>
        <source>Audio files (%1)</source>
        <translation>Tệp âm thanh (%1)</translation>
    </message>
    <message>
        <source>Import a folder</source>
        <translation>Nhập một thư mục</translation>
    </message>
    <message>
        <source>Importing audio</source>
        <translation>Đang nhập âm thanh</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Đổi tên</translation>
    </message>
    <message>
        <source>New title:</source>
        <translation>Tiêu đề mới:</translation>
    </message>
    <message>
        <source>Renaming</source>
        <translation>Đang đổi tên</translation>
    </message>
    <message>
        <source>Updating the library</source>
        <translation>Đang cập nhật thư viện</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Khôi phục</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Dừng</translation>
    </message>
</context>
<context>
    <name>LogPanel</name>
    <message>
        <source>Copy all</source>
        <translation>Sao chép tất cả</translation>
    </message>
    <message>
        <source>Full log: %1</source>
        <translation>Nhật ký đầy đủ: %1</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>User name:</source>
        <translation>Tên đăng nhập:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Mật khẩu:</translation>
    </message>
    <message>
        <source>Comment:</source>
        <translation>Ý kiến:</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>Xác nhận</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
    <message>
        <source>Enter the user name and the password.</source>
        <translation>Hãy nhập tên đăng nhập và mật khẩu.</translation>
    </message>
    <message>
        <source>Say what should be changed.</source>
        <translation>Hãy ghi rõ cần sửa gì.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Commune Radio Studio</source>
        <translation>Studio Truyền thanh xã</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>Thư viện</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Thu âm</translation>
    </message>
    <message>
        <source>Write a bulletin</source>
        <translation>Soạn bản tin</translation>
    </message>
    <message>
        <source>Programmes</source>
        <translation>Chương trình</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>Lịch phát</translation>
    </message>
    <message>
        <source>Receivers</source>
        <translation>Thiết bị</translation>
    </message>
    <message>
        <source>Outbox</source>
        <translation>Hàng đợi</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Báo cáo</translation>
    </message>
    <message>
        <source>Record bulletins from a microphone, safe against power cuts.</source>
        <translation>Thu âm bản tin từ micrô, an toàn khi mất điện.</translation>
    </message>
    <message>
        <source>Type or paste a notice and have it read aloud in Vietnamese or a minority language.</source>
        <translation>Gõ hoặc dán thông báo để máy đọc bằng tiếng Việt hoặc tiếng dân tộc thiểu số.</translation>
    </message>
    <message>
        <source>Assemble clips and notices into programmes and send them for approval.</source>
        <translation>Ghép bản ghi và thông báo thành chương trình và gửi duyệt.</translation>
    </message>
    <message>
        <source>Schedule approved programmes per village, with recurrence and priorities.</source>
        <translation>Lập lịch phát chương trình đã duyệt cho từng thôn, có lặp lại và mức ưu tiên.</translation>
    </message>
    <message>
        <source>Pair and watch the loudspeaker receivers of each village.</source>
        <translation>Ghép nối và theo dõi các cụm loa của từng thôn.</translation>
    </message>
    <message>
        <source>Deliveries waiting for the network, sent as soon as it is back.</source>
        <translation>Các lượt gửi đang chờ mạng, sẽ gửi ngay khi có mạng trở lại.</translation>
    </message>
    <message>
        <source>What was played where and when, from the receivers' play logs.</source>
        <translation>Đã phát gì, ở đâu, khi nào — từ nhật ký phát của các cụm loa.</translation>
    </message>
    <message>
        <source>Data folder: %1</source>
        <translation>Thư mục dữ liệu: %1</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Nhật ký</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Tệp</translation>
    </message>
    <message>
        <source>Import audio…</source>
        <translation>Nhập âm thanh…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Cài đặt…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Thoát</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Xem</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Trợ &amp;giúp</translation>
    </message>
    <message>
        <source>User guide</source>
        <translation>Hướng dẫn sử dụng</translation>
    </message>
    <message>
        <source>About</source>
        <translation>Giới thiệu</translation>
    </message>
    <message>
        <source>The bulletin is in the library (clip %1).</source>
        <translation>Bản tin đã có trong Thư viện (bản ghi %1).</translation>
    </message>
    <message numerus="yes">
        <source>Recovered %n unfinished recording(s).</source>
        <translation>
            <numerusform>Đã khôi phục %n bản thu dang dở.</numerusform>
        </translation>
    </message>
    <message>
        <source>Recovering unfinished recordings</source>
        <translation>Đang khôi phục bản thu dang dở</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n file(s).</source>
        <translation>
            <numerusform>Đã nhập %n tệp.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) could not be imported.</source>
        <translation>
            <numerusform>Không nhập được %n tệp.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n video(s): only the sound was imported, the picture was left out.</source>
        <translation>
            <numerusform>%n tệp video: chỉ nhập phần âm thanh, bỏ phần hình.</numerusform>
        </translation>
    </message>
    <message>
        <source>Commune Radio Studio: record, clean, schedule and publish the commune's loudspeaker bulletins.</source>
        <translation>Studio Truyền thanh xã: thu âm, làm sạch, lập lịch và phát bản tin ra hệ thống loa của xã.</translation>
    </message>
    <message>
        <source>Saving the speech service keys</source>
        <translation>Đang lưu khoá của dịch vụ giọng đọc</translation>
    </message>
    <message>
        <source>Making queued bulletins</source>
        <translation>Đang tạo các bản tin đang chờ</translation>
    </message>
    <message numerus="yes">
        <source>%n queued bulletin(s) made by the speech service.</source>
        <translation>
            <numerusform>Dịch vụ giọng đọc đã tạo %n bản tin đang chờ.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n queued bulletin(s) held: the speech service refused the key or the account's quota is used up (Settings, Speech services).</source>
        <translation>
            <numerusform>%n bản tin đang chờ bị giữ lại: dịch vụ giọng đọc từ chối khoá API hoặc tài khoản đã hết hạn mức (Cài đặt, Dịch vụ giọng đọc).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n queued bulletin(s) could not be made by the speech service; the reading by this computer's voice stays in the library.</source>
        <translation>
            <numerusform>Dịch vụ giọng đọc không tạo được %n bản tin đang chờ; bản đọc bằng giọng của máy này vẫn ở trong thư viện.</numerusform>
        </translation>
    </message>
    <message>
        <source>Installed voices:</source>
        <translation>Giọng đọc đã cài:</translation>
    </message>
    <message>
        <source>%1 (%2): %3</source>
        <translation>%1 (%2): %3</translation>
    </message>
    <message>
        <source>Reading the installed voices</source>
        <translation>Đang đọc danh sách giọng đã cài</translation>
    </message>
    <message>
        <source>Live broadcast</source>
        <translation>Phát trực tiếp</translation>
    </message>
</context>
<context>
    <name>OutboxPanel</name>
    <message>
        <source>Send now</source>
        <translation>Gửi ngay</translation>
    </message>
    <message>
        <source>Reading the outbox</source>
        <translation>Đang đọc hàng đợi</translation>
    </message>
    <message>
        <source>%1 — schedule %2 — %3 — %4 tries</source>
        <translation>%1 — lịch số %2 — %3 — đã thử %4 lần</translation>
    </message>
    <message>
        <source>next try %1: %2</source>
        <translation>thử lại lúc %1: %2</translation>
    </message>
    <message>
        <source>%1 deliveries waiting.</source>
        <translation>%1 lượt gửi đang chờ.</translation>
    </message>
    <message>
        <source>Nothing waiting: every receiver holds the latest schedule.</source>
        <translation>Không còn gì chờ gửi: mọi thiết bị đã có lịch mới nhất.</translation>
    </message>
</context>
<context>
    <name>PairDialog</name>
    <message>
        <source>Pair a receiver</source>
        <translation>Ghép thiết bị thu</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>Địa chỉ:</translation>
    </message>
    <message>
        <source>Pairing code:</source>
        <translation>Mã ghép:</translation>
    </message>
    <message>
        <source>Zone:</source>
        <translation>Vùng:</translation>
    </message>
    <message>
        <source>Name (optional):</source>
        <translation>Tên (không bắt buộc):</translation>
    </message>
    <message>
        <source>The receiver shows its pairing code on its screen or in its log.</source>
        <translation>Thiết bị thu hiện mã ghép trên màn hình hoặc trong nhật ký của nó.</translation>
    </message>
</context>
<context>
    <name>PlaceholderPanel</name>
    <message>
        <source>This area is not available yet in this version of the studio.</source>
        <translation>Mục này chưa có trong phiên bản studio hiện tại.</translation>
    </message>
</context>
<context>
    <name>Preview</name>
    <message>
        <source>Preparing the preview</source>
        <translation>Đang chuẩn bị nghe thử</translation>
    </message>
    <message>
        <source>Rendering the programme to listen</source>
        <translation>Đang dựng âm thanh chương trình để nghe</translation>
    </message>
</context>
<context>
    <name>ProgrammesPanel</name>
    <message>
        <source>Draft</source>
        <translation>Bản nháp</translation>
    </message>
    <message>
        <source>Waiting for approval</source>
        <translation>Chờ phê duyệt</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Đã phê duyệt</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Bị từ chối</translation>
    </message>
    <message>
        <source>New programme</source>
        <translation>Chương trình mới</translation>
    </message>
    <message>
        <source>Add clip</source>
        <translation>Thêm bản ghi</translation>
    </message>
    <message>
        <source>Add jingle</source>
        <translation>Thêm nhạc hiệu</translation>
    </message>
    <message>
        <source>Remove item</source>
        <translation>Bỏ mục</translation>
    </message>
    <message>
        <source>Language version…</source>
        <translation>Bản tiếng dân tộc…</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(không có)</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <source>Submit for approval</source>
        <translation>Gửi phê duyệt</translation>
    </message>
    <message>
        <source>Approve…</source>
        <translation>Phê duyệt…</translation>
    </message>
    <message>
        <source>Reject…</source>
        <translation>Từ chối…</translation>
    </message>
    <message>
        <source>Pause after:</source>
        <translation>Nghỉ sau mục:</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>Tiêu đề:</translation>
    </message>
    <message>
        <source>Intro:</source>
        <translation>Nhạc mở đầu:</translation>
    </message>
    <message>
        <source>Outro:</source>
        <translation>Nhạc kết thúc:</translation>
    </message>
    <message>
        <source>Music bed:</source>
        <translation>Nhạc nền:</translation>
    </message>
    <message>
        <source>Items, in playing order (drag to reorder):</source>
        <translation>Các mục theo thứ tự phát (kéo để đổi thứ tự):</translation>
    </message>
    <message>
        <source>History:</source>
        <translation>Lịch sử:</translation>
    </message>
    <message>
        <source>Import or record a clip first.</source>
        <translation>Hãy nhập hoặc thu một bản ghi trước.</translation>
    </message>
    <message>
        <source>Loading programmes</source>
        <translation>Đang tải chương trình</translation>
    </message>
    <message>
        <source>Loading history</source>
        <translation>Đang tải lịch sử</translation>
    </message>
    <message>
        <source>then %1 s of silence</source>
        <translation>rồi nghỉ %1 giây</translation>
    </message>
    <message>
        <source>clip %1</source>
        <translation>bản ghi %1</translation>
    </message>
    <message>
        <source>Language version</source>
        <translation>Bản tiếng dân tộc</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Ngôn ngữ:</translation>
    </message>
    <message>
        <source>Clip read in %1:</source>
        <translation>Bản ghi đọc bằng tiếng %1:</translation>
    </message>
    <message>
        <source>Total length: %1</source>
        <translation>Tổng thời lượng: %1</translation>
    </message>
    <message>
        <source>saving returns it to draft</source>
        <translation>khi lưu sẽ trở về bản nháp</translation>
    </message>
    <message>
        <source>Creating the programme</source>
        <translation>Đang tạo chương trình</translation>
    </message>
    <message>
        <source>Saving the programme</source>
        <translation>Đang lưu chương trình</translation>
    </message>
    <message>
        <source>Rendering and submitting</source>
        <translation>Đang dựng âm thanh và gửi duyệt</translation>
    </message>
    <message>
        <source>Approve the programme</source>
        <translation>Phê duyệt chương trình</translation>
    </message>
    <message>
        <source>Reject the programme</source>
        <translation>Từ chối chương trình</translation>
    </message>
    <message>
        <source>The commune leader approves “%1” with their own account.</source>
        <translation>Lãnh đạo xã phê duyệt “%1” bằng tài khoản của mình.</translation>
    </message>
    <message>
        <source>Reject “%1” and say what to change.</source>
        <translation>Từ chối “%1” và ghi rõ cần sửa gì.</translation>
    </message>
    <message>
        <source>Recording the decision</source>
        <translation>Đang ghi nhận quyết định</translation>
    </message>
    <message>
        <source>Category:</source>
        <translation>Chuyên mục:</translation>
    </message>
    <message>
        <source>Relay: %1 — %2</source>
        <translation>Tiếp sóng: %1 — %2</translation>
    </message>
    <message>
        <source>Relay: %1 — %2 (no backup: a chime, then silence, if it fails)</source>
        <translation>Tiếp sóng: %1 — %2 (không có mục dự phòng: nếu luồng hỏng, phát chuông báo rồi im lặng)</translation>
    </message>
    <message>
        <source>↳ Backup: %1</source>
        <translation>↳ Dự phòng: %1</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 phút</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 giờ</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 giờ %2 phút</translation>
    </message>
</context>
<context>
    <name>ReceiversPanel</name>
    <message>
        <source>Publish</source>
        <translation>Phát hành</translation>
    </message>
    <message>
        <source>Send what is approved and scheduled for the next 14 days</source>
        <translation>Gửi những gì đã duyệt và đã xếp lịch trong 14 ngày tới</translation>
    </message>
    <message>
        <source>Pair a receiver…</source>
        <translation>Ghép thiết bị thu…</translation>
    </message>
    <message>
        <source>Emergency broadcast…</source>
        <translation>Phát khẩn cấp…</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Dừng</translation>
    </message>
    <message>
        <source>Volume…</source>
        <translation>Âm lượng…</translation>
    </message>
    <message>
        <source>Re-sync</source>
        <translation>Đồng bộ lại</translation>
    </message>
    <message>
        <source>Volume</source>
        <translation>Âm lượng</translation>
    </message>
    <message>
        <source>%1 of %2 receivers online.</source>
        <translation>%1/%2 thiết bị thu đang trực tuyến.</translation>
    </message>
    <message>
        <source>Pairing</source>
        <translation>Đang ghép</translation>
    </message>
    <message>
        <source>Volume (%):</source>
        <translation>Âm lượng (%):</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>Chi tiết…</translation>
    </message>
    <message>
        <source>The selected receiver's last problem, with its technical details</source>
        <translation>Sự cố gần nhất của thiết bị đang chọn, kèm chi tiết kỹ thuật</translation>
    </message>
    <message>
        <source>Reading the receivers' state</source>
        <translation>Đọc trạng thái các thiết bị thu</translation>
    </message>
    <message>
        <source>Select a receiver in the table first.</source>
        <translation>Hãy chọn một thiết bị trong bảng trước.</translation>
    </message>
    <message>
        <source>%1…</source>
        <translation>%1…</translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation>Đang dừng</translation>
    </message>
    <message>
        <source>Setting the volume</source>
        <translation>Đang đặt âm lượng</translation>
    </message>
</context>
<context>
    <name>RecordPanel</name>
    <message>
        <source>Mono</source>
        <translation>Đơn kênh (mono)</translation>
    </message>
    <message>
        <source>Stereo</source>
        <translation>Hai kênh (stereo)</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Làm mới</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Thu âm</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Tạm dừng</translation>
    </message>
    <message>
        <source>Add marker</source>
        <translation>Đánh dấu</translation>
    </message>
    <message>
        <source>Choose the microphone, then press Record (Ctrl+R).</source>
        <translation>Chọn micrô, rồi bấm Thu âm (Ctrl+R).</translation>
    </message>
    <message>
        <source>Microphone</source>
        <translation>Micrô</translation>
    </message>
    <message>
        <source>Markers</source>
        <translation>Các điểm đánh dấu</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Mặc định của hệ thống</translation>
    </message>
    <message>
        <source>Listing sound devices</source>
        <translation>Đang liệt kê thiết bị âm thanh</translation>
    </message>
    <message>
        <source>Recording… press Stop (Ctrl+R) when done.</source>
        <translation>Đang thu… bấm Dừng (Ctrl+R) khi xong.</translation>
    </message>
    <message>
        <source>Opening the microphone</source>
        <translation>Đang mở micrô</translation>
    </message>
    <message>
        <source>The take is kept on disk and will be recovered at the next start.</source>
        <translation>Bản thu vẫn được giữ trên đĩa và sẽ được khôi phục ở lần mở sau.</translation>
    </message>
    <message>
        <source>Saving the recording</source>
        <translation>Đang lưu bản thu</translation>
    </message>
    <message>
        <source>Recorded %1. The take opens in the editor.</source>
        <translation>Đã thu %1. Bản thu được mở trong trình chỉnh sửa.</translation>
    </message>
    <message>
        <source>The disk is nearly full: the take was ended and %1 kept.</source>
        <translation>Ổ đĩa gần đầy: đã dừng thu và giữ lại %1.</translation>
    </message>
    <message>
        <source>The microphone stopped (unplugged?): %1 recorded and kept.</source>
        <translation>Micrô ngừng hoạt động (bị rút?): đã thu và giữ lại %1.</translation>
    </message>
    <message>
        <source>Writing failed: %1 recorded and kept.</source>
        <translation>Ghi đĩa bị lỗi: đã thu và giữ lại %1.</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Tiếp tục</translation>
    </message>
    <message>
        <source>Peak %1 dBFS · RMS %2 dBFS</source>
        <translation>Đỉnh %1 dBFS · RMS %2 dBFS</translation>
    </message>
    <message>
        <source>Dropouts: %1</source>
        <translation>Mất mẫu: %1</translation>
    </message>
    <message>
        <source>Free disk: %1 GB (about %2 hours)</source>
        <translation>Đĩa còn trống: %1 GB (khoảng %2 giờ)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Dừng</translation>
    </message>
</context>
<context>
    <name>ReportsPanel</name>
    <message>
        <source>No category</source>
        <translation>Chưa phân loại</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Xem</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Từ ngày</translation>
    </message>
    <message>
        <source>to</source>
        <translation>đến</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>Thôn</translation>
    </message>
    <message>
        <source>Excel…</source>
        <translation>Excel…</translation>
    </message>
    <message>
        <source>PDF…</source>
        <translation>PDF…</translation>
    </message>
    <message>
        <source>Hours per month</source>
        <translation>Số giờ phát theo tháng</translation>
    </message>
    <message>
        <source>Availability per receiver (%)</source>
        <translation>Tỷ lệ hoạt động của cụm loa (%)</translation>
    </message>
    <message>
        <source>Planned and played</source>
        <translation>Kế hoạch và thực tế</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Giờ dự kiến</translation>
    </message>
    <message>
        <source>Receiver</source>
        <translation>Cụm loa</translation>
    </message>
    <message>
        <source>Programme</source>
        <translation>Chương trình</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <source>Level (dBFS)</source>
        <translation>Mức âm (dBFS)</translation>
    </message>
    <message>
        <source>played</source>
        <translation>đã phát</translation>
    </message>
    <message>
        <source>missed (receiver off)</source>
        <translation>bị lỡ (máy thu tắt)</translation>
    </message>
    <message>
        <source>interrupted (emergency)</source>
        <translation>bị ngắt (khẩn cấp)</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>lỗi phát</translation>
    </message>
    <message>
        <source>media missing</source>
        <translation>thiếu tệp âm thanh</translation>
    </message>
    <message>
        <source>quiet hours</source>
        <translation>giờ yên tĩnh</translation>
    </message>
    <message>
        <source>no play log</source>
        <translation>không có nhật ký phát</translation>
    </message>
    <message>
        <source>All zones</source>
        <translation>Tất cả các thôn</translation>
    </message>
    <message>
        <source>Computing the report</source>
        <translation>Đang tính báo cáo</translation>
    </message>
    <message>
        <source>%1 sessions, %2 hours; planned %3, played %4; emergencies %5; ethnic-language hours %6; availability %7; faults %8</source>
        <translation>%1 buổi phát, %2 giờ; kế hoạch %3 lượt, đã phát %4; khẩn cấp %5; giờ phát tiếng dân tộc %6; thiết bị hoạt động %7; sự cố %8</translation>
    </message>
    <message>
        <source>Reading the play logs</source>
        <translation>Đang đọc nhật ký phát</translation>
    </message>
    <message>
        <source>Entries: %1</source>
        <translation>Các lượt phát: %1</translation>
    </message>
    <message>
        <source>All entries</source>
        <translation>Tất cả lượt phát</translation>
    </message>
    <message>
        <source>Proof of broadcast</source>
        <translation>Chứng nhận phát</translation>
    </message>
    <message>
        <source>Export the report</source>
        <translation>Xuất báo cáo</translation>
    </message>
    <message>
        <source>Exporting the report</source>
        <translation>Đang xuất báo cáo</translation>
    </message>
    <message>
        <source>Categories…</source>
        <translation>Chuyên mục…</translation>
    </message>
    <message>
        <source>The programme categories (an administrator changes them)</source>
        <translation>Các chuyên mục chương trình (quản trị viên thay đổi)</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>Thống kê</translation>
    </message>
    <message>
        <source>Archive and replay</source>
        <translation>Lưu trữ – nghe lại</translation>
    </message>
    <message>
        <source>Only an administrator changes the categories: sign in as one.</source>
        <translation>Chỉ quản trị viên được thay đổi chuyên mục: hãy đăng nhập bằng tài khoản quản trị.</translation>
    </message>
</context>
<context>
    <name>Schedule</name>
    <message>
        <source>overlaps another broadcast in the same zone</source>
        <translation>trùng giờ với buổi phát khác trong cùng vùng</translation>
    </message>
    <message>
        <source>is outside the allowed hours (%1)</source>
        <translation>ngoài khung giờ được phép (%1)</translation>
    </message>
    <message>
        <source>falls on a weekend, which this zone does not allow</source>
        <translation>rơi vào cuối tuần, vùng này không cho phép</translation>
    </message>
    <message>
        <source>lasts %1 min, more than the %2 min allowed</source>
        <translation>kéo dài %1 phút, quá %2 phút cho phép</translation>
    </message>
    <message>
        <source>%1 broadcasts that day, more than the %2 allowed</source>
        <translation>%1 buổi phát trong ngày, quá %2 buổi cho phép</translation>
    </message>
    <message>
        <source>broadcasts on %1 days this week, more than the %2 allowed</source>
        <translation>phát %1 ngày trong tuần, quá %2 ngày cho phép</translation>
    </message>
    <message>
        <source>“%1” is not approved yet</source>
        <translation>“%1” chưa được phê duyệt</translation>
    </message>
    <message>
        <source>the programme lasts %1 min, longer than the %2 min reserved</source>
        <translation>chương trình dài %1 phút, quá %2 phút đã dành</translation>
    </message>
    <message>
        <source>its programme no longer exists</source>
        <translation>chương trình của lịch này không còn nữa</translation>
    </message>
    <message>
        <source>names a zone that no longer exists</source>
        <translation>ghi một vùng không còn nữa</translation>
    </message>
    <message>
        <source>emergency broadcast of “%1” without approval (allowed, logged)</source>
        <translation>phát khẩn cấp “%1” chưa qua phê duyệt (được phép, đã ghi nhật ký)</translation>
    </message>
    <message>
        <source>interrupted by an emergency broadcast</source>
        <translation>bị ngắt bởi buổi phát khẩn cấp</translation>
    </message>
    <message>
        <source>Mon</source>
        <translation>T2</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>T3</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>T4</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>T5</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>T6</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>T7</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>CN</translation>
    </message>
</context>
<context>
    <name>SchedulePanel</name>
    <message>
        <source>This week</source>
        <translation>Tuần này</translation>
    </message>
    <message>
        <source>All zones</source>
        <translation>Mọi vùng</translation>
    </message>
    <message>
        <source>Add to the schedule…</source>
        <translation>Thêm lịch phát…</translation>
    </message>
    <message>
        <source>Zones…</source>
        <translation>Vùng phát…</translation>
    </message>
    <message>
        <source>Weekly plan (PDF)…</source>
        <translation>Lịch tuần (PDF)…</translation>
    </message>
    <message>
        <source>Calendar for phones (.ics)…</source>
        <translation>Lịch cho điện thoại (.ics)…</translation>
    </message>
    <message>
        <source>Planning the week</source>
        <translation>Đang lập lịch tuần</translation>
    </message>
    <message>
        <source>Week of %1</source>
        <translation>Tuần từ %1</translation>
    </message>
    <message>
        <source>%1 broadcasts this week; %2 problems to fix.</source>
        <translation>%1 buổi phát trong tuần; %2 chỗ cần sửa.</translation>
    </message>
    <message>
        <source>Adding to the schedule</source>
        <translation>Đang thêm lịch phát</translation>
    </message>
    <message>
        <source>Moving the broadcast</source>
        <translation>Đang dời buổi phát</translation>
    </message>
    <message>
        <source>Save the weekly plan</source>
        <translation>Lưu lịch tuần</translation>
    </message>
    <message>
        <source>No broadcasts.</source>
        <translation>Không có buổi phát.</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Giờ</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>Vùng</translation>
    </message>
    <message>
        <source>Programme</source>
        <translation>Chương trình</translation>
    </message>
    <message>
        <source>To fix</source>
        <translation>Cần sửa</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Thường</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Ưu tiên</translation>
    </message>
    <message>
        <source>Saving the zone</source>
        <translation>Đang lưu vùng phát</translation>
    </message>
    <message>
        <source>Deleting the zone</source>
        <translation>Đang xoá vùng phát</translation>
    </message>
    <message>
        <source>Emergency</source>
        <translation>Khẩn cấp</translation>
    </message>
    <message>
        <source>Broadcast plan for the week of %1</source>
        <translation>Lịch phát thanh tuần từ %1</translation>
    </message>
    <message>
        <source>Broadcast plan</source>
        <translation>Lịch phát thanh</translation>
    </message>
    <message>
        <source>Save the calendar</source>
        <translation>Lưu tệp lịch</translation>
    </message>
    <message>
        <source>Writing the calendar</source>
        <translation>Đang ghi tệp lịch</translation>
    </message>
</context>
<context>
    <name>SessionControls</name>
    <message>
        <source>Sign in…</source>
        <translation>Đăng nhập…</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Đăng xuất</translation>
    </message>
    <message>
        <source>Accounts…</source>
        <translation>Quản lý tài khoản…</translation>
    </message>
    <message>
        <source>Signing in</source>
        <translation>Đang đăng nhập</translation>
    </message>
    <message>
        <source>Only an administrator can manage accounts: sign in as one.</source>
        <translation>Chỉ quản trị viên mới quản lý được tài khoản: hãy đăng nhập bằng tài khoản quản trị.</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Chưa đăng nhập</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Đăng nhập</translation>
    </message>
    <message>
        <source>Signed in: %1 (%2)</source>
        <translation>Đã đăng nhập: %1 (%2)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Chọn…</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Mặc định của hệ thống</translation>
    </message>
    <message>
        <source>%1 (not connected)</source>
        <translation>%1 (chưa kết nối)</translation>
    </message>
    <message>
        <source>Remove rumble below 100 Hz (speech on horn loudspeakers)</source>
        <translation>Lọc tiếng ù dưới 100 Hz (giọng nói trên loa nén)</translation>
    </message>
    <message>
        <source>A new data folder or language takes effect when the studio starts again.</source>
        <translation>Thư mục dữ liệu hoặc ngôn ngữ mới có hiệu lực khi mở lại studio.</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Thư mục dữ liệu</translation>
    </message>
    <message>
        <source>Audio output</source>
        <translation>Đầu ra âm thanh</translation>
    </message>
    <message>
        <source>Loudness target</source>
        <translation>Độ lớn mục tiêu</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Ngôn ngữ</translation>
    </message>
    <message>
        <source> months</source>
        <translation> tháng</translation>
    </message>
    <message>
        <source>Report header (PDF and yearly report)</source>
        <translation>Tiêu đề báo cáo (PDF và báo cáo năm)</translation>
    </message>
    <message>
        <source>Superior body</source>
        <translation>Cơ quan cấp trên</translation>
    </message>
    <message>
        <source>e.g. UBND huyện Bù Gia Mập</source>
        <translation>ví dụ: UBND huyện Bù Gia Mập</translation>
    </message>
    <message>
        <source>Commune (issuing body)</source>
        <translation>Cơ quan ban hành (xã)</translation>
    </message>
    <message>
        <source>e.g. UBND xã Đắk Ơ</source>
        <translation>ví dụ: UBND xã Đắk Ơ</translation>
    </message>
    <message>
        <source>Number and symbol</source>
        <translation>Số và ký hiệu</translation>
    </message>
    <message>
        <source>e.g. 15/BC-UBND</source>
        <translation>ví dụ: 15/BC-UBND</translation>
    </message>
    <message>
        <source>Place of the date line</source>
        <translation>Địa danh (dòng ngày tháng)</translation>
    </message>
    <message>
        <source>e.g. Đắk Ơ</source>
        <translation>ví dụ: Đắk Ơ</translation>
    </message>
    <message>
        <source>Signer's title</source>
        <translation>Chức vụ người ký</translation>
    </message>
    <message>
        <source>e.g. Chủ tịch</source>
        <translation>ví dụ: Chủ tịch</translation>
    </message>
    <message>
        <source>Signer's name</source>
        <translation>Họ tên người ký</translation>
    </message>
    <message>
        <source>e.g. Nguyễn Văn A</source>
        <translation>ví dụ: Nguyễn Văn A</translation>
    </message>
    <message>
        <source>Keep the broadcast archive</source>
        <translation>Giữ kho lưu trữ nội dung đã phát</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in</source>
        <translation>Đăng nhập</translation>
    </message>
    <message>
        <source>Sign in with your account: what you do is recorded under your name.</source>
        <translation>Đăng nhập bằng tài khoản của bạn: mọi việc bạn làm được ghi dưới tên bạn.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Đang kiểm tra…</translation>
    </message>
    <message>
        <source>Wrong user name or password, or the account is disabled.</source>
        <translation>Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khoá.</translation>
    </message>
</context>
<context>
    <name>SlotDialog</name>
    <message>
        <source>Add to the schedule</source>
        <translation>Thêm lịch phát</translation>
    </message>
    <message>
        <source>Edit the broadcast</source>
        <translation>Sửa buổi phát</translation>
    </message>
    <message>
        <source>Once</source>
        <translation>Một lần</translation>
    </message>
    <message>
        <source>Every day</source>
        <translation>Hằng ngày</translation>
    </message>
    <message>
        <source>Monday to Friday</source>
        <translation>Thứ 2 đến thứ 6</translation>
    </message>
    <message>
        <source>Every week on the days ticked</source>
        <translation>Hằng tuần vào các ngày đã chọn</translation>
    </message>
    <message>
        <source>Custom rule (RRULE)</source>
        <translation>Quy tắc riêng (RRULE)</translation>
    </message>
    <message>
        <source>Mon</source>
        <translation>T2</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>T3</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>T4</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>T5</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>T6</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>T7</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>CN</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>Đến ngày</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Thường</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Ưu tiên</translation>
    </message>
    <message>
        <source>Emergency</source>
        <translation>Khẩn cấp</translation>
    </message>
    <message>
        <source>Start at the exact second (cut what is playing)</source>
        <translation>Phát đúng giây (ngắt nội dung đang phát)</translation>
    </message>
    <message>
        <source> min</source>
        <translation> phút</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>không đặt</translation>
    </message>
    <message>
        <source>Among broadcasts of the same priority starting together, lower plays first</source>
        <translation>Trong các buổi phát cùng mức ưu tiên bắt đầu cùng lúc, số nhỏ hơn phát trước</translation>
    </message>
    <message>
        <source>Programme:</source>
        <translation>Chương trình:</translation>
    </message>
    <message>
        <source>Zones:</source>
        <translation>Vùng phát:</translation>
    </message>
    <message>
        <source>First broadcast:</source>
        <translation>Buổi phát đầu:</translation>
    </message>
    <message>
        <source>Repeat:</source>
        <translation>Lặp lại:</translation>
    </message>
    <message>
        <source>Rule:</source>
        <translation>Quy tắc:</translation>
    </message>
    <message>
        <source>Priority:</source>
        <translation>Mức ưu tiên:</translation>
    </message>
    <message>
        <source>Time reserved:</source>
        <translation>Thời gian dành sẵn:</translation>
    </message>
    <message>
        <source>Order in the session:</source>
        <translation>Thứ tự trong buổi:</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Thêm</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
    <message>
        <source>The changes apply to every broadcast of this series.</source>
        <translation>Thay đổi áp dụng cho mọi buổi phát của chuỗi lặp này.</translation>
    </message>
    <message>
        <source>Choose the programme.</source>
        <translation>Hãy chọn chương trình.</translation>
    </message>
    <message>
        <source>Create a programme first.</source>
        <translation>Hãy tạo chương trình trước.</translation>
    </message>
    <message>
        <source>Tick at least one zone.</source>
        <translation>Hãy chọn ít nhất một vùng.</translation>
    </message>
    <message>
        <source>Type the rule, or choose another way to repeat.</source>
        <translation>Hãy gõ quy tắc, hoặc chọn cách lặp khác.</translation>
    </message>
</context>
<context>
    <name>SlotEditing</name>
    <message>
        <source>Opening the broadcast</source>
        <translation>Đang mở buổi phát</translation>
    </message>
    <message>
        <source>Saving the broadcast</source>
        <translation>Đang lưu buổi phát</translation>
    </message>
    <message>
        <source>Delete the broadcast</source>
        <translation>Xoá buổi phát</translation>
    </message>
    <message>
        <source>Delete “%1” at %2?</source>
        <translation>Xoá “%1” lúc %2?</translation>
    </message>
    <message>
        <source>It repeats: delete only this day's broadcast, or the whole series?</source>
        <translation>Buổi phát này lặp lại: chỉ xoá buổi của ngày này, hay xoá cả chuỗi?</translation>
    </message>
    <message>
        <source>Only this one</source>
        <translation>Chỉ buổi này</translation>
    </message>
    <message>
        <source>The whole series</source>
        <translation>Cả chuỗi</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Xoá</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
    <message>
        <source>Leaving out the broadcast</source>
        <translation>Đang bỏ buổi phát</translation>
    </message>
    <message>
        <source>Deleting the broadcast</source>
        <translation>Đang xoá buổi phát</translation>
    </message>
</context>
<context>
    <name>TaskStatus</name>
    <message>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
    <message>
        <source>%1 (and %2 more)</source>
        <translation>%1 (và %2 việc khác)</translation>
    </message>
</context>
<context>
    <name>TimeWindowsEditor</name>
    <message>
        <source>Any time of day (no hours set).</source>
        <translation>Giờ nào trong ngày cũng được (chưa đặt khung giờ).</translation>
    </message>
    <message>
        <source>Add hours</source>
        <translation>Thêm khung giờ</translation>
    </message>
</context>
<context>
    <name>WaveformView</name>
    <message>
        <source>Open a clip from the library to edit it.</source>
        <translation>Mở một bản ghi từ thư viện để chỉnh sửa.</translation>
    </message>
</context>
<context>
    <name>WeekCalendar</name>
    <message>
        <source>Edit…</source>
        <translation>Sửa…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Xoá…</translation>
    </message>
</context>
<context>
    <name>WindowRow</name>
    <message>
        <source>Mon</source>
        <translation>T2</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>T3</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>T4</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>T5</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>T6</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>T7</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>CN</translation>
    </message>
    <message>
        <source>23:59 means until midnight</source>
        <translation>23:59 nghĩa là đến hết ngày (24:00)</translation>
    </message>
    <message>
        <source>Remove these hours</source>
        <translation>Bỏ khung giờ này</translation>
    </message>
    <message>
        <source>from</source>
        <translation>từ</translation>
    </message>
    <message>
        <source>to</source>
        <translation>đến</translation>
    </message>
</context>
<context>
    <name>ZoneLegend</name>
    <message>
        <source>priority</source>
        <translation>ưu tiên</translation>
    </message>
    <message>
        <source>emergency</source>
        <translation>khẩn cấp</translation>
    </message>
    <message>
        <source>to fix</source>
        <translation>cần sửa</translation>
    </message>
</context>
<context>
    <name>ZonesDialog</name>
    <message>
        <source>Zones and broadcast rules</source>
        <translation>Vùng phát và quy định phát thanh</translation>
    </message>
    <message>
        <source>Village (thôn, bản, làng)</source>
        <translation>Thôn, bản, làng</translation>
    </message>
    <message>
        <source>Residential group (tổ dân phố)</source>
        <translation>Tổ dân phố</translation>
    </message>
    <message>
        <source>Area (khu vực)</source>
        <translation>Khu vực</translation>
    </message>
    <message>
        <source>any time</source>
        <translation>mọi lúc</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>không giới hạn</translation>
    </message>
    <message>
        <source>New zone</source>
        <translation>Vùng mới</translation>
    </message>
    <message>
        <source>Delete zone…</source>
        <translation>Xoá vùng…</translation>
    </message>
    <message>
        <source>Broadcasts allowed on Saturday and Sunday</source>
        <translation>Được phát vào thứ 7 và Chủ nhật</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Tên:</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>Loại:</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Ngôn ngữ:</translation>
    </message>
    <message>
        <source>Allowed hours:</source>
        <translation>Khung giờ được phát:</translation>
    </message>
    <message>
        <source>Sessions a day at most:</source>
        <translation>Số buổi tối đa mỗi ngày:</translation>
    </message>
    <message>
        <source>Minutes a session at most:</source>
        <translation>Số phút tối đa mỗi buổi:</translation>
    </message>
    <message>
        <source>Days a week at most:</source>
        <translation>Số ngày tối đa mỗi tuần:</translation>
    </message>
    <message>
        <source>Maximum volume:</source>
        <translation>Âm lượng tối đa:</translation>
    </message>
    <message>
        <source>Zone “%1”</source>
        <translation>Vùng “%1”</translation>
    </message>
    <message>
        <source>Save changes</source>
        <translation>Lưu thay đổi</translation>
    </message>
    <message>
        <source>Each line of hours needs at least one day ticked and an end after its start.</source>
        <translation>Mỗi khung giờ cần ít nhất một ngày được đánh dấu và giờ kết thúc sau giờ bắt đầu.</translation>
    </message>
    <message>
        <source>Delete the zone</source>
        <translation>Xoá vùng phát</translation>
    </message>
    <message>
        <source>Delete the zone “%1”?</source>
        <translation>Xoá vùng “%1”?</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Xoá</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
    <message>
        <source>Add zone</source>
        <translation>Thêm vùng</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>Zones:</source>
        <translation>Vùng phát:</translation>
    </message>
    <message>
        <source>Give the zone a name.</source>
        <translation>Hãy đặt tên cho vùng.</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <source>Starting the delivery engine</source>
        <translation>Đang khởi động bộ gửi</translation>
    </message>
</context>
<context>
    <name>ApprovalDialog</name>
    <message>
        <source>Listen before deciding:</source>
        <translation>Nghe trước khi quyết định:</translation>
    </message>
    <message>
        <source>▶ %1</source>
        <translation>▶ %1</translation>
    </message>
    <message>
        <source>Preparing the audio…</source>
        <translation>Đang chuẩn bị âm thanh…</translation>
    </message>
    <message>
        <source>Playing: this is the audio that will be approved.</source>
        <translation>Đang phát: đây chính là âm thanh sẽ được phê duyệt.</translation>
    </message>
    <message>
        <source>This programme relays %1 for %2; what you hear here is its backup, played if the stream fails.</source>
        <translation>Chương trình này tiếp sóng %1 trong %2; phần nghe ở đây là bản dự phòng, được phát khi luồng bị hỏng.</translation>
    </message>
</context>
<context>
    <name>ClipChangeGuard</name>
    <message>
        <source>Checking the programmes that use the clip</source>
        <translation>Đang kiểm tra các chương trình dùng bản ghi này</translation>
    </message>
    <message>
        <source>This clip is used by approved programmes. Moving it to the trash takes them off the air until they are approved again:
%1

Move it to the trash anyway?</source>
        <translation>Bản ghi này đang được dùng trong các chương trình đã phê duyệt. Chuyển nó vào thùng rác thì các chương trình này sẽ ngừng phát cho đến khi được phê duyệt lại:
%1

Vẫn chuyển vào thùng rác?</translation>
    </message>
    <message>
        <source>Move to trash</source>
        <translation>Chuyển vào thùng rác</translation>
    </message>
    <message>
        <source>This clip is used by approved programmes. Changing it sends them back to draft: they are not broadcast until they are approved again:
%1

Change it anyway?</source>
        <translation>Bản ghi này đang được dùng trong các chương trình đã phê duyệt. Sửa nó thì các chương trình này trở về bản nháp và không được phát cho đến khi được phê duyệt lại:
%1

Vẫn sửa?</translation>
    </message>
    <message>
        <source>Change it</source>
        <translation>Vẫn sửa</translation>
    </message>
    <message>
        <source>Programmes will need approval again</source>
        <translation>Các chương trình sẽ cần phê duyệt lại</translation>
    </message>
</context>
<context>
    <name>PublishDialog</name>
    <message>
        <source>Publish</source>
        <translation>Phát hành</translation>
    </message>
    <message>
        <source>What this publish changes on the loudspeakers (from now to %1):</source>
        <translation>Lần phát hành này thay đổi gì trên các loa (từ bây giờ đến %1):</translation>
    </message>
    <message>
        <source>Loudspeaker</source>
        <translation>Loa</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>Khu vực</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Thêm</translation>
    </message>
    <message>
        <source>Removed</source>
        <translation>Gỡ bỏ</translation>
    </message>
    <message>
        <source>Kept</source>
        <translation>Giữ nguyên</translation>
    </message>
    <message>
        <source>This publish stops scheduled broadcasts. The loudspeakers will no longer play them. Approve the programmes again first, or confirm below.</source>
        <translation>Lần phát hành này gỡ bỏ các buổi phát đã lên lịch: loa sẽ không phát chúng nữa. Hãy phê duyệt lại các chương trình trước, hoặc xác nhận bên dưới.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
    <message>
        <source>Remove them and publish</source>
        <translation>Vẫn phát hành và gỡ các buổi này</translation>
    </message>
    <message>
        <source>%1%2 (%3 min)</source>
        <translation>%1%2 (%3 phút)</translation>
    </message>
    <message>
        <source>not approved again after %1 was edited</source>
        <translation>chưa được phê duyệt lại sau khi sửa %1</translation>
    </message>
    <message>
        <source>%1 was moved to the trash</source>
        <translation>%1 đã bị chuyển vào thùng rác</translation>
    </message>
    <message>
        <source>not approved again after the programme was changed</source>
        <translation>chưa được phê duyệt lại sau khi sửa chương trình</translation>
    </message>
    <message>
        <source>not approved again after its content changed</source>
        <translation>chưa được phê duyệt lại sau khi nội dung thay đổi</translation>
    </message>
    <message>
        <source>submitted, not yet approved</source>
        <translation>đã gửi duyệt, chưa được phê duyệt</translation>
    </message>
    <message>
        <source>rejected by the approver</source>
        <translation>bị người duyệt từ chối</translation>
    </message>
    <message>
        <source>never approved</source>
        <translation>chưa bao giờ được phê duyệt</translation>
    </message>
    <message>
        <source>taken off the schedule</source>
        <translation>đã bị gỡ khỏi lịch phát</translation>
    </message>
    <message>
        <source>the programme was deleted</source>
        <translation>chương trình đã bị xoá</translation>
    </message>
    <message>
        <source>the loudspeaker moved to another zone</source>
        <translation>loa đã chuyển sang khu vực khác</translation>
    </message>
    <message>
        <source>after the last day of this publish</source>
        <translation>sau ngày cuối của lần phát hành này</translation>
    </message>
    <message>
        <source>a removed broadcast</source>
        <translation>một buổi phát đã bị gỡ</translation>
    </message>
    <message>
        <source>%1 — %2: %3 times, %4 min, from %5 — %6</source>
        <translation>%1 — %2: %3 lần, %4 phút, từ %5 — %6</translation>
    </message>
    <message>
        <source>%1 will have nothing to broadcast in the next 24 hours (it had %2 broadcasts, %3 min).</source>
        <translation>%1 sẽ không có gì để phát trong 24 giờ tới (trước đó có %2 buổi, %3 phút).</translation>
    </message>
</context>
<context>
    <name>PublishFlow</name>
    <message>
        <source>Preparing the publish</source>
        <translation>Đang chuẩn bị phát hành</translation>
    </message>
    <message>
        <source>Publishing</source>
        <translation>Đang phát hành</translation>
    </message>
</context>
<context>
    <name>ReceiverFeedback</name>
    <message>
        <source>%1: volume set to %2 %; its zone allows at most %3 %, so broadcasts play at %3 %.</source>
        <translation>%1: đã đặt âm lượng %2 %; vùng của loa chỉ cho phép tối đa %3 %, nên các buổi phát ở mức %3 %.</translation>
    </message>
    <message>
        <source>%1: volume set to %2 %.</source>
        <translation>%1: đã đặt âm lượng %2 %.</translation>
    </message>
    <message>
        <source>%1: nothing was playing.</source>
        <translation>%1: không có gì đang phát.</translation>
    </message>
    <message>
        <source>%1: stopped “%2”. The schedule goes on.</source>
        <translation>%1: đã dừng “%2”. Lịch phát vẫn tiếp tục.</translation>
    </message>
    <message>
        <source>%1: nothing has been published for it yet.</source>
        <translation>%1: chưa có lịch phát nào được phát hành cho loa này.</translation>
    </message>
    <message>
        <source>%1: holds the latest schedule (%2).</source>
        <translation>%1: đã có lịch phát mới nhất (%2).</translation>
    </message>
    <message>
        <source>%1: schedule %2 is not delivered yet; it stays in the outbox and is sent when the receiver answers.</source>
        <translation>%1: lịch phát %2 chưa gửi được; lịch nằm trong hàng đợi và sẽ được gửi khi thiết bị trả lời.</translation>
    </message>
</context>
<context>
    <name>ReceiversTable</name>
    <message>
        <source>Receiver</source>
        <translation>Thiết bị</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>Vùng</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Schedule held</source>
        <translation>Lịch đang giữ</translation>
    </message>
    <message>
        <source>To send</source>
        <translation>Còn phải gửi</translation>
    </message>
    <message>
        <source>Clock</source>
        <translation>Lệch giờ</translation>
    </message>
    <message>
        <source>Free disk</source>
        <translation>Đĩa trống</translation>
    </message>
    <message>
        <source>Volume</source>
        <translation>Âm lượng</translation>
    </message>
    <message>
        <source>Playing</source>
        <translation>Đang phát</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Lỗi gần nhất</translation>
    </message>
    <message>
        <source>online</source>
        <translation>trực tuyến</translation>
    </message>
    <message>
        <source>offline since %1</source>
        <translation>mất kết nối từ %1</translation>
    </message>
    <message>
        <source>needs pairing again</source>
        <translation>cần ghép lại</translation>
    </message>
    <message>
        <source>not checked yet</source>
        <translation>chưa kiểm tra</translation>
    </message>
    <message>
        <source>schedule waiting</source>
        <translation>lịch đang chờ gửi</translation>
    </message>
    <message>
        <source>%1 % (zone maximum %2 %)</source>
        <translation>%1 % (vùng tối đa %2 %)</translation>
    </message>
    <message>
        <source>Emergency broadcast</source>
        <translation>Phát khẩn cấp</translation>
    </message>
    <message>
        <source>Untitled item</source>
        <translation>Mục chưa đặt tên</translation>
    </message>
</context>
<context>
    <name>ProgrammeHistoryList</name>
    <message>
        <source>created</source>
        <translation>tạo</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>sửa</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>xoá</translation>
    </message>
    <message>
        <source>submitted for approval</source>
        <translation>gửi phê duyệt</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>phê duyệt</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>từ chối</translation>
    </message>
    <message>
        <source>returned to draft</source>
        <translation>trở về bản nháp</translation>
    </message>
    <message>
        <source>a clip or chime in it changed after it was submitted</source>
        <translation>một đoạn âm thanh hay tiếng chuông trong đó đã thay đổi sau khi gửi phê duyệt</translation>
    </message>
    <message>
        <source>the audio made for approval differs from what was submitted</source>
        <translation>âm thanh dựng lại để phê duyệt khác với bản đã gửi</translation>
    </message>
    <message>
        <source>Studio (automatic)</source>
        <translation>Studio (tự động)</translation>
    </message>
    <message>
        <source>%1 (computer, command line)</source>
        <translation>%1 (máy tính, dòng lệnh)</translation>
    </message>
    <message>
        <source>edited (back to draft)</source>
        <translation>sửa (trở về bản nháp)</translation>
    </message>
</context>
<context>
    <name>VoiceNames</name>
    <message>
        <source>Northern voice</source>
        <translation>Giọng miền Bắc</translation>
    </message>
    <message>
        <source>Central voice</source>
        <translation>Giọng miền Trung</translation>
    </message>
    <message>
        <source>Southern voice</source>
        <translation>Giọng miền Nam</translation>
    </message>
    <message>
        <source>Vietnamese voice: %1</source>
        <translation>Giọng tiếng Việt: %1</translation>
    </message>
    <message>
        <source>female</source>
        <translation>nữ</translation>
    </message>
    <message>
        <source>male</source>
        <translation>nam</translation>
    </message>
    <message>
        <source>%1, %2: %3</source>
        <translation>%1, %2: %3</translation>
    </message>
    <message>
        <source>Neural voice %1 (%2)</source>
        <translation>Giọng nơ-ron %1 (%2)</translation>
    </message>
</context>
<context>
    <name>EmergencyConfirmDialog</name>
    <message>
        <source>Confirm the emergency broadcast</source>
        <translation>Xác nhận phát khẩn cấp</translation>
    </message>
    <message>
        <source>Play “%1” now on %2 loudspeakers in: %3. Whatever they play is cut. A loudspeaker offline now plays it if it comes back within %4 minutes.</source>
        <translation>Phát “%1” ngay bây giờ trên %2 loa ở: %3. Nội dung đang phát sẽ bị ngắt. Loa đang mất kết nối sẽ phát khi kết nối lại trong vòng %4 phút.</translation>
    </message>
    <message>
        <source>Broadcast now</source>
        <translation>Phát ngay</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
</context>
<context>
    <name>EmergencyFlow</name>
    <message>
        <source>Emergency broadcast</source>
        <translation>Phát khẩn cấp</translation>
    </message>
    <message>
        <source>Checking the sign-in</source>
        <translation>Đang kiểm tra đăng nhập</translation>
    </message>
</context>
<context>
    <name>EmergencyProgressDialog</name>
    <message>
        <source>Emergency broadcast</source>
        <translation>Phát khẩn cấp</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Đang gửi…</translation>
    </message>
    <message>
        <source>Loudspeaker</source>
        <translation>Loa</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Time / error</source>
        <translation>Thời điểm / lỗi</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>waiting (offline)</source>
        <translation>đang chờ (mất kết nối)</translation>
    </message>
    <message>
        <source>playing</source>
        <translation>đã phát</translation>
    </message>
    <message>
        <source>expired: came back too late</source>
        <translation>hết hiệu lực: kết nối lại quá muộn</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>bị từ chối</translation>
    </message>
    <message>
        <source>replaced by a newer emergency</source>
        <translation>được thay bằng tin khẩn mới hơn</translation>
    </message>
    <message>
        <source>Reached %1/%2 loudspeakers</source>
        <translation>Đã phát ở %1/%2 loa</translation>
    </message>
    <message>
        <source>%1 waiting: they play it if they come back before %2.</source>
        <translation>%1 loa đang chờ: sẽ phát nếu kết nối lại trước %2.</translation>
    </message>
</context>
<context>
    <name>EmergencySignInDialog</name>
    <message>
        <source>Emergency broadcast</source>
        <translation>Phát khẩn cấp</translation>
    </message>
    <message>
        <source> min</source>
        <translation> phút</translation>
    </message>
    <message>
        <source>Required when an editor sends it without an approver</source>
        <translation>Bắt buộc khi biên tập viên gửi mà không có người phê duyệt</translation>
    </message>
    <message>
        <source>Clip to play now:</source>
        <translation>Bản ghi phát ngay:</translation>
    </message>
    <message>
        <source>Zones:</source>
        <translation>Vùng phát:</translation>
    </message>
    <message>
        <source>Valid for:</source>
        <translation>Hiệu lực trong:</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>Tên đăng nhập:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Mật khẩu:</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Lý do:</translation>
    </message>
    <message>
        <source>An approver signs in alone; an editor alone must give the reason. Both are recorded. A loudspeaker offline now plays it when it comes back within the time it stays valid.</source>
        <translation>Người phê duyệt chỉ cần đăng nhập; biên tập viên gửi một mình phải ghi lý do. Cả hai đều được ghi nhật ký. Loa đang mất kết nối sẽ phát khi kết nối lại trong thời gian tin còn hiệu lực.</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Tiếp tục</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
    <message>
        <source>Choose the clip and at least one zone.</source>
        <translation>Hãy chọn bản ghi và ít nhất một vùng.</translation>
    </message>
    <message>
        <source>Enter the user name and the password.</source>
        <translation>Hãy nhập tên đăng nhập và mật khẩu.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Đang kiểm tra…</translation>
    </message>
</context>
<context>
    <name>ArchivePanel</name>
    <message>
        <source>Search in titles…</source>
        <translation>Tìm trong tên chương trình…</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Xem</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Nơi</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Giờ</translation>
    </message>
    <message>
        <source>Loudspeaker</source>
        <translation>Cụm loa</translation>
    </message>
    <message>
        <source>Programme</source>
        <translation>Chương trình</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <source>Heard (s)</source>
        <translation>Đã nghe (giây)</translation>
    </message>
    <message>
        <source>Level (dBFS)</source>
        <translation>Mức (dBFS)</translation>
    </message>
    <message>
        <source>Listen to the day</source>
        <translation>Nghe lại cả ngày</translation>
    </message>
    <message>
        <source>Listen to the selected</source>
        <translation>Nghe lượt đã chọn</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Dừng</translation>
    </message>
    <message>
        <source>Save the day as WAV…</source>
        <translation>Lưu cả ngày thành tệp WAV…</translation>
    </message>
    <message>
        <source>Zone: %1</source>
        <translation>Mọi loa ở %1</translation>
    </message>
    <message>
        <source>Loudspeaker: %1</source>
        <translation>Cụm loa: %1</translation>
    </message>
    <message>
        <source>Reading the archive</source>
        <translation>Đang đọc kho lưu trữ</translation>
    </message>
    <message>
        <source>%1 broadcasts heard, %2 minutes</source>
        <translation>Đã nghe %1 lượt phát, %2 phút</translation>
    </message>
    <message>
        <source>Save the day as WAV</source>
        <translation>Lưu cả ngày thành tệp WAV</translation>
    </message>
    <message>
        <source>Writing the replay</source>
        <translation>Đang ghi tệp nghe lại</translation>
    </message>
</context>
<context>
    <name>CategoriesDialog</name>
    <message>
        <source>Programme categories</source>
        <translation>Chuyên mục chương trình</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Đổi tên…</translation>
    </message>
    <message>
        <source>Retire</source>
        <translation>Ngừng dùng</translation>
    </message>
    <message>
        <source>e.g. Văn hoá – xã hội</source>
        <translation>ví dụ: Văn hoá – xã hội</translation>
    </message>
    <message>
        <source>Add the category</source>
        <translation>Thêm chuyên mục</translation>
    </message>
    <message>
        <source>New category:</source>
        <translation>Chuyên mục mới:</translation>
    </message>
    <message>
        <source>A retired category is no longer offered for programmes; the programmes that have it and the reports keep it. Every change is written to the audit log.</source>
        <translation>Chuyên mục đã ngừng dùng không còn được chọn cho chương trình; các chương trình đã có và các báo cáo vẫn giữ nó. Mọi thay đổi đều được ghi vào nhật ký kiểm tra.</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>Reading the categories</source>
        <translation>Đang đọc danh sách chuyên mục</translation>
    </message>
    <message>
        <source>%1 (retired)</source>
        <translation>%1 (ngừng dùng)</translation>
    </message>
    <message>
        <source>Bring back</source>
        <translation>Dùng lại</translation>
    </message>
    <message>
        <source>Adding the category</source>
        <translation>Đang thêm chuyên mục</translation>
    </message>
    <message>
        <source>Rename the category</source>
        <translation>Đổi tên chuyên mục</translation>
    </message>
    <message>
        <source>New name for “%1”:</source>
        <translation>Tên mới cho “%1”:</translation>
    </message>
    <message>
        <source>Renaming the category</source>
        <translation>Đang đổi tên chuyên mục</translation>
    </message>
    <message>
        <source>Bringing the category back</source>
        <translation>Đang dùng lại chuyên mục</translation>
    </message>
    <message>
        <source>Retiring the category</source>
        <translation>Đang ngừng dùng chuyên mục</translation>
    </message>
</context>
<context>
    <name>ProgrammeCategoryChoice</name>
    <message>
        <source>Reading the categories</source>
        <translation>Đang đọc danh sách chuyên mục</translation>
    </message>
    <message>
        <source>(no category)</source>
        <translation>(chưa phân loại)</translation>
    </message>
    <message>
        <source>%1 (retired)</source>
        <translation>%1 (ngừng dùng)</translation>
    </message>
    <message>
        <source>Setting the category</source>
        <translation>Đang đặt chuyên mục</translation>
    </message>
</context>
<context>
    <name>SpeechServicesPanel</name>
    <message>
        <source>Speech services (domestic platforms)</source>
        <translation>Dịch vụ giọng đọc (nền tảng trong nước)</translation>
    </message>
    <message>
        <source>Paste the API key from the provider's account once; its voices then appear in the voice list. Without a connection, bulletins wait and this computer's voice reads them meanwhile.</source>
        <translation>Dán khoá API lấy từ tài khoản của nhà cung cấp một lần; các giọng đọc của họ sẽ hiện trong danh sách giọng. Khi mất kết nối, bản tin được xếp hàng chờ và giọng đọc trên máy sẽ đọc trong lúc chờ.</translation>
    </message>
    <message>
        <source>Key saved; paste a new one to replace it</source>
        <translation>Đã lưu khoá; dán khoá mới để thay thế</translation>
    </message>
    <message>
        <source>Paste the API key</source>
        <translation>Dán khoá API</translation>
    </message>
    <message>
        <source>Remove key</source>
        <translation>Xoá khoá</translation>
    </message>
</context>
<context>
    <name>LivePanel</name>
    <message>
        <source>Required when an editor goes live without an approver</source>
        <translation>Bắt buộc khi biên tập viên phát trực tiếp mà không có người duyệt</translation>
    </message>
    <message>
        <source>Zones:</source>
        <translation>Vùng:</translation>
    </message>
    <message>
        <source>Microphone:</source>
        <translation>Micrô:</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>Tên đăng nhập:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Mật khẩu:</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Lý do:</translation>
    </message>
    <message>
        <source>Go live</source>
        <translation>Lên sóng</translation>
    </message>
    <message>
        <source>Loudspeaker</source>
        <translation>Loa</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Live broadcast</source>
        <translation>Phát trực tiếp</translation>
    </message>
    <message>
        <source>Choose the microphone and at least one zone.</source>
        <translation>Hãy chọn micrô và ít nhất một vùng.</translation>
    </message>
    <message>
        <source>Enter the user name and the password.</source>
        <translation>Hãy nhập tên đăng nhập và mật khẩu.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Đang kiểm tra…</translation>
    </message>
    <message>
        <source>Going live</source>
        <translation>Đang lên sóng</translation>
    </message>
    <message>
        <source>End the live broadcast</source>
        <translation>Kết thúc phát trực tiếp</translation>
    </message>
    <message>
        <source>ON AIR</source>
        <translation>ĐANG PHÁT TRỰC TIẾP</translation>
    </message>
    <message>
        <source>Ending the live broadcast</source>
        <translation>Đang kết thúc phát trực tiếp</translation>
    </message>
    <message>
        <source>Off the air</source>
        <translation>Chưa lên sóng</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>đang bắt đầu</translation>
    </message>
    <message>
        <source>on the air</source>
        <translation>đang phát</translation>
    </message>
    <message>
        <source>dropped</source>
        <translation>mất tín hiệu</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>không kết nối được</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>bị từ chối</translation>
    </message>
    <message>
        <source>address not supported</source>
        <translation>địa chỉ không được hỗ trợ</translation>
    </message>
    <message>
        <source>ended</source>
        <translation>đã kết thúc</translation>
    </message>
    <message>
        <source>On the air at %1/%2 loudspeakers</source>
        <translation>Đang phát ở %1/%2 loa</translation>
    </message>
    <message>
        <source>dropped: %1</source>
        <translation>mất tín hiệu: %1</translation>
    </message>
</context>
<context>
    <name>SpeakingVoice</name>
    <message>
        <source>the default Vietnamese voice</source>
        <translation>giọng tiếng Việt mặc định</translation>
    </message>
    <message>
        <source>Read by: %1</source>
        <translation>Đọc bằng: %1</translation>
    </message>
    <message>
        <source>No neural or domestic-platform voice is installed. For a clearer voice, install one with “radio-studio tts voices install FILE.onnx”, or enter a domestic platform&apos;s API key (FPT.AI, Viettel AI, Zalo AI) in Settings.</source>
        <translation>Chưa cài giọng đọc nơ-ron hay giọng của nền tảng trong nước. Để có giọng dễ nghe hơn, hãy cài một giọng bằng lệnh “radio-studio tts voices install FILE.onnx”, hoặc nhập khoá API của một nền tảng trong nước (FPT.AI, Viettel AI, Zalo AI) trong Cài đặt.</translation>
    </message>
</context>
<context>
    <name>ProgrammeStreamEditing</name>
    <message>
        <source>Relay…</source>
        <translation>Tiếp sóng…</translation>
    </message>
    <message>
        <source>Relay the provincial or national station for a set time; the programme&apos;s other items are its backup.</source>
        <translation>Tiếp sóng đài tỉnh hoặc đài quốc gia trong một thời lượng định sẵn; các mục khác của chương trình là bản dự phòng.</translation>
    </message>
</context>
<context>
    <name>StreamItemDialog</name>
    <message>
        <source>Relay a station</source>
        <translation>Tiếp sóng một đài</translation>
    </message>
    <message>
        <source>Edit the relay</source>
        <translation>Sửa mục tiếp sóng</translation>
    </message>
    <message>
        <source>The loudspeakers play the station themselves for the time set. The programme&apos;s other items are the backup, played if the stream fails or stays silent.</source>
        <translation>Các cụm loa tự thu và phát đài này trong thời lượng đã đặt. Các mục khác của chương trình là bản dự phòng, được phát khi luồng bị hỏng hoặc im lặng.</translation>
    </message>
    <message>
        <source>e.g. 30 or 1:30</source>
        <translation>vd. 30 hoặc 1:30</translation>
    </message>
    <message>
        <source>Listen to the stream</source>
        <translation>Nghe thử luồng</translation>
    </message>
    <message>
        <source>Connect to the station and read a few seconds of it (codec, level).</source>
        <translation>Kết nối tới đài và nghe thử vài giây (định dạng, mức âm lượng).</translation>
    </message>
    <message>
        <source>minutes (or hours:minutes), up to 24 hours</source>
        <translation>phút (hoặc giờ:phút), tối đa 24 giờ</translation>
    </message>
    <message>
        <source>Stream address:</source>
        <translation>Địa chỉ luồng:</translation>
    </message>
    <message>
        <source>Relay for:</source>
        <translation>Thời lượng:</translation>
    </message>
    <message>
        <source>The stream address must start with http:// or https:// and name a server, e.g. https://radio.example.vn/live.mp3.</source>
        <translation>Địa chỉ luồng phải bắt đầu bằng http:// hoặc https:// và có tên máy chủ, vd. https://radio.example.vn/live.mp3.</translation>
    </message>
    <message>
        <source>Type how long to relay in minutes (30) or hours:minutes (1:30), more than 0 and at most 24 hours.</source>
        <translation>Nhập thời lượng tiếp sóng bằng phút (30) hoặc giờ:phút (1:30), lớn hơn 0 và tối đa 24 giờ.</translation>
    </message>
    <message>
        <source>This programme already relays a stream: a programme relays one. Edit that item (double-click it) or make another programme.</source>
        <translation>Chương trình này đã có một mục tiếp sóng: mỗi chương trình chỉ tiếp sóng một luồng. Hãy sửa mục đó (nhấp đúp vào nó) hoặc tạo chương trình khác.</translation>
    </message>
    <message>
        <source>Listening to the stream for a few seconds…</source>
        <translation>Đang nghe thử luồng trong vài giây…</translation>
    </message>
    <message>
        <source>Checking the stream</source>
        <translation>Đang nghe thử luồng</translation>
    </message>
    <message>
        <source>Found: %1, %2 Hz, %3 channel(s), about %4 kbit/s.</source>
        <translation>Tìm thấy: %1, %2 Hz, %3 kênh, khoảng %4 kbit/s.</translation>
    </message>
    <message>
        <source>Level %1 LUFS, peak %2 dBFS (receivers even it out to the zone&apos;s level).</source>
        <translation>Âm lượng %1 LUFS, đỉnh %2 dBFS (loa sẽ tự cân bằng về mức âm lượng của vùng).</translation>
    </message>
    <message>
        <source>The stream is silent: the loudspeakers would play the backup instead.</source>
        <translation>Luồng đang im lặng: các cụm loa sẽ phát bản dự phòng thay vào đó.</translation>
    </message>
    <message>
        <source>Only receivers with the relay extra (PyAV) play this kind of stream; the others play the backup. Each receiver&apos;s status lists what it relays.</source>
        <translation>Chỉ những cụm loa có cài gói tiếp sóng (PyAV) mới phát được loại luồng này; các cụm khác phát bản dự phòng. Trạng thái của mỗi cụm loa cho biết nó tiếp sóng được loại nào.</translation>
    </message>
    <message>
        <source>The address answers, but not with audio the studio can decode. Check that it is the station&apos;s stream, not its web page.</source>
        <translation>Địa chỉ có trả lời nhưng không phải âm thanh mà phòng thu giải mã được. Hãy kiểm tra đó là địa chỉ luồng phát của đài, không phải trang web của đài.</translation>
    </message>
    <message>
        <source>The stream cannot be reached. Check the address and the Internet connection, or try again later.</source>
        <translation>Không kết nối được tới luồng. Hãy kiểm tra địa chỉ và kết nối Internet, hoặc thử lại sau.</translation>
    </message>
    <message>
        <source>The stream could not be checked on this computer. Copy the details for technical support.</source>
        <translation>Không nghe thử được luồng trên máy này. Hãy sao chép chi tiết để gửi bộ phận hỗ trợ kỹ thuật.</translation>
    </message>
</context>
</TS>
