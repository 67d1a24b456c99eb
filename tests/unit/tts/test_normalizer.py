"""The normaliser on sentences in the style of real commune notices (vaccination, land,
elections, taxes, weather, disasters, farming, water, security). Each row is what a
Vietnamese announcer reads; none is taken from the sample files the code was tried on."""

import pytest

from studio.tts.lexicon import Lexicon
from studio.tts.normalizer import FlagKind, Normalizer
from studio.tts.numbers import STYLES, Region

NORTH = Normalizer()
SOUTH = Normalizer(style=STYLES[Region.SOUTH])

CASES = [
    # vaccination / health
    ("Tiêm vắc xin sởi cho trẻ từ 9 tháng tuổi.", "Tiêm vắc xin sởi cho trẻ từ chín tháng tuổi."),
    ("Thời gian: 7h00 - 10h30 sáng thứ 7.", "Thời gian: bảy giờ đến mười giờ ba mươi phút sáng thứ bảy."),
    ("Mang theo thẻ BHYT và sổ tiêm.", "Mang theo thẻ bảo hiểm y tế và sổ tiêm."),
    ("Trạm Y tế xã làm việc từ 7:30 đến 17:00.", "Trạm Y tế xã làm việc từ bảy giờ ba mươi phút đến mười bảy giờ."),
    ("Uống 2 viên/ngày trong 5 ngày.", "Uống hai viên trên ngày trong năm ngày."),
    ("Tỷ lệ tiêm đạt 98,5%.", "Tỷ lệ tiêm đạt chín mươi tám phẩy năm phần trăm."),
    ("Trẻ dưới 1 tuổi, lần thứ 1 và lần thứ 4.", "Trẻ dưới một tuổi, lần thứ nhất và lần thứ tư."),
    ("Ngày 5/6 tiêm mũi 2.", "Ngày mùng năm tháng sáu tiêm mũi hai."),
    # land
    ("Diện tích 1.250 m² đất ở, 3,2 ha đất lúa.", "Diện tích một nghìn hai trăm năm mươi mét vuông đất ở, ba phẩy hai héc ta đất lúa."),
    ("Thửa đất số 105, tờ bản đồ số 24.", "Thửa đất số một trăm linh năm, tờ bản đồ số hai mươi tư."),
    ("Hồ sơ cấp GCNQSDĐ nộp tại UBND xã.", "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất nộp tại uỷ ban nhân dân xã."),
    ("Giá bồi thường 450.000 đồng/m2.", "Giá bồi thường bốn trăm năm mươi nghìn đồng trên mét vuông."),
    # elections
    ("Bầu cử đại biểu Quốc hội khóa XVI và HĐND các cấp.", "Bầu cử đại biểu Quốc hội khóa mười sáu và hội đồng nhân dân các cấp."),
    ("Khu vực bỏ phiếu số 3 mở cửa lúc 7 giờ.", "Khu vực bỏ phiếu số ba mở cửa lúc bảy giờ."),
    ("Toàn xã có 6.021 cử tri.", "Toàn xã có sáu nghìn không trăm hai mươi mốt cử tri."),
    ("Nhiệm kỳ 2026-2031.", "Nhiệm kỳ hai nghìn không trăm hai mươi sáu đến hai nghìn không trăm ba mươi mốt."),
    # taxes and money
    ("Mức phí 20.000đ/tháng.", "Mức phí hai mươi nghìn đồng trên tháng."),
    ("Hỗ trợ 1,5 triệu đồng mỗi hộ.", "Hỗ trợ một phẩy năm triệu đồng mỗi hộ."),
    ("Số tiền 2.500.000 VNĐ.", "Số tiền hai triệu năm trăm nghìn đồng."),
    ("Thu 100.000 VND/người.", "Thu một trăm nghìn đồng trên người."),
    ("Hạn nộp trước ngày 30/6/2027.", "Hạn nộp trước ngày ba mươi tháng sáu năm hai nghìn không trăm hai mươi bảy."),
    ("Thuế suất 0,5%.", "Thuế suất không phẩy năm phần trăm."),
    # weather
    ("Nhiệt độ thấp nhất 12-15°C.", "Nhiệt độ thấp nhất mười hai đến mười lăm độ xê."),
    ("Có nơi dưới -2°C.", "Có nơi dưới âm hai độ xê."),
    ("Gió giật cấp 8, sóng cao 2-3 m.", "Gió giật cấp tám, sóng cao hai đến ba mét."),
    ("Lượng mưa 80-120mm.", "Lượng mưa tám mươi đến một trăm hai mươi mi li mét."),
    ("Độ ẩm 85%, tầm nhìn 4 km.", "Độ ẩm tám mươi lăm phần trăm, tầm nhìn bốn ki lô mét."),
    ("Gió mạnh 60 km/h.", "Gió mạnh sáu mươi ki lô mét trên giờ."),
    # disasters
    ("Lúc 4h sáng ngày 12/10, mực nước sông lên 3,75 m.", "Lúc bốn giờ sáng ngày mười hai tháng mười, mực nước sông lên ba phẩy bảy mươi lăm mét."),
    ("Ban Chỉ huy PCTT&TKCN xã trực 24/24.", "Ban Chỉ huy phòng chống thiên tai và tìm kiếm cứu nạn xã trực hai mươi tư trên hai mươi tư."),
    ("Sơ tán 35 hộ, 142 khẩu.", "Sơ tán ba mươi lăm hộ, một trăm bốn mươi hai khẩu."),
    ("Gọi 114 khi có cháy.", "Gọi một một bốn khi có cháy."),
    # farming
    ("Phun thuốc 2 lần, cách nhau 7-10 ngày.", "Phun thuốc hai lần, cách nhau bảy đến mười ngày."),
    ("Bón 10 kg đạm cho 1 sào.", "Bón mười ki lô gam đạm cho một sào."),
    ("Năng suất đạt 6,2 tấn/ha.", "Năng suất đạt sáu phẩy hai tấn trên héc ta."),
    ("Mỗi bình 16 l pha 20 ml thuốc.", "Mỗi bình mười sáu lít pha hai mươi mi li lít thuốc."),
    # water, power, roads
    ("Cắt điện từ 8h đến 16h30 ngày 3/12.", "Cắt điện từ tám giờ đến mười sáu giờ ba mươi phút ngày mùng ba tháng mười hai."),
    ("Đoạn đường dài 1,2 km qua thôn 5.", "Đoạn đường dài một phẩy hai ki lô mét qua thôn năm."),
    # dates in every shape
    ("Ngày 15/11/2025.", "Ngày mười lăm tháng mười một năm hai nghìn không trăm hai mươi lăm."),
    ("Sáng 15-11-2025 họp.", "Sáng mười lăm tháng mười một năm hai nghìn không trăm hai mươi lăm họp."),
    ("Ngày 15.11.2025 họp.", "Ngày mười lăm tháng mười một năm hai nghìn không trăm hai mươi lăm họp."),
    ("Ngày 15-11 họp.", "Ngày mười lăm tháng mười một họp."),
    ("Hạn cuối 20/11.", "Hạn cuối ngày hai mươi tháng mười một."),
    ("Từ 15 đến 20/11.", "Từ mười lăm đến hai mươi tháng mười một."),
    ("Từ ngày 1-5/12.", "Từ ngày mùng một đến mùng năm tháng mười hai."),
    ("Trong tháng 4/2026.", "Trong tháng tư năm hai nghìn không trăm hai mươi sáu."),
    ("Kế hoạch tháng 12/2026.", "Kế hoạch tháng mười hai năm hai nghìn không trăm hai mươi sáu."),
    ("Ngày 15 tháng 11 năm 2025.", "Ngày mười lăm tháng mười một năm hai nghìn không trăm hai mươi lăm."),
    # times
    ("Họp lúc 17h30.", "Họp lúc mười bảy giờ ba mươi phút."),
    ("Họp lúc 17:30.", "Họp lúc mười bảy giờ ba mươi phút."),
    ("Họp lúc 5 giờ 30.", "Họp lúc năm giờ ba mươi."),
    ("Khoảng 7-8 giờ.", "Khoảng bảy đến tám giờ."),
    ("Từ 14h.", "Từ mười bốn giờ."),
    # phones
    ("Liên hệ 0912 345 678.", "Liên hệ không chín một hai, ba bốn năm, sáu bảy tám."),
    ("Điện thoại: 0912345678.", "Điện thoại: không chín một hai, ba bốn năm, sáu bảy tám."),
    ("Gọi 0260.3862.115.", "Gọi không hai sáu không, ba tám sáu hai, một một năm."),
    ("Tổng đài 1900 9095.", "Tổng đài một chín không không, chín không chín năm."),
    # headings, ordinals, Roman numerals
    ("I. MỤC ĐÍCH, YÊU CẦU", "một, mục đích, yêu cầu"),
    ("IV. TỔ CHỨC THỰC HIỆN", "bốn, tổ chức thực hiện"),
    ("2. Đối tượng: hộ nghèo.", "hai, Đối tượng: hộ nghèo."),
    ("- Không tụ tập đông người;", "Không tụ tập đông người;"),
    ("Điều 5. Trách nhiệm thi hành.", "Điều năm. Trách nhiệm thi hành."),
    ("Chương II.", "Chương hai."),
    ("Thế kỷ XXI.", "Thế kỷ hai mươi mốt."),
    ("Họp vào thứ 2 và thứ 4.", "Họp vào thứ hai và thứ tư."),
    # documents and abbreviations
    ("Theo Công văn số 125/UBND-VP.", "Theo Công văn số một trăm hai mươi lăm, uỷ ban nhân dân, văn phòng."),
    ("Thông tư 39/2020/TT-BTTTT.",
     "Thông tư ba mươi chín, năm hai nghìn không trăm hai mươi, thông tư, bộ thông tin và truyền thông."),
    ("Học sinh THCS và THPT.", "Học sinh trung học cơ sở và trung học phổ thông."),
    ("Lực lượng CSGT, PCCC phối hợp.", "Lực lượng cảnh sát giao thông, phòng cháy chữa cháy phối hợp."),
    ("Tuyên truyền ATGT.", "Tuyên truyền an toàn giao thông."),
    ("Ông Nguyễn Văn A, TP. Kon Tum.", "Ông Nguyễn Văn A, thành phố Con Tum."),
    ("Xã Đắk Long, huyện Đăk Hà.", "Xã Đắc Long, huyện Đắc Hà."),
    ("MTTQ và các đoàn thể.", "mặt trận tổ quốc và các đoàn thể."),
    # symbols and slashes
    ("Nam & nữ.", "Nam và nữ."),
    ("Số người/hộ.", "Số người trên hộ."),
    ("Kiểm tra 2 lần/tuần.", "Kiểm tra hai lần trên tuần."),
    ("Thăm đồng 3 ngày/lần.", "Thăm đồng ba ngày một lần."),
    ("Tỷ lệ (đạt 90%).", "Tỷ lệ, đạt chín mươi phần trăm."),
    # numbers in context
    ("Số 0 và số 10.", "Số không và số mười."),
    ("Mã số 00123.", "Mã số không không một hai ba."),
    ("Có 1.000.000 người.", "Có một triệu người."),
    ("Giảm 3.5 điểm.", "Giảm ba chấm năm điểm."),
    ("Tăng từ 15 lên 21.", "Tăng từ mười lăm lên hai mươi mốt."),
]


@pytest.mark.parametrize("text, spoken", CASES, ids=[c[0][:40] for c in CASES])
def test_reads_like_an_announcer(text, spoken):
    assert NORTH.normalize(text).text == spoken


@pytest.mark.parametrize("text, spoken", [
    ("Thửa đất số 105.", "Thửa đất số một trăm lẻ năm."),
    ("Có 1.500 hộ, 24 thôn.", "Có một ngàn năm trăm hộ, hai mươi bốn thôn."),
    ("Ngày 24/11.", "Ngày hai mươi bốn tháng mười một."),
])
def test_southern_style(text, spoken):
    assert SOUTH.normalize(text).text == spoken


def test_unknown_abbreviation_is_spelled_and_flagged_at_its_place():
    text = "Đề nghị BQLDA XYZ báo cáo."
    reading = NORTH.normalize(text)
    flags = [(f.kind, f.token) for f in reading.flags]
    assert flags == [(FlagKind.UNKNOWN_ABBREVIATION, "BQLDA"), (FlagKind.UNKNOWN_ABBREVIATION, "XYZ")]
    for flag in reading.flags:
        assert text[flag.source_start:flag.source_end] == flag.token
    assert reading.text[reading.flags[1].spoken_start:reading.flags[1].spoken_end] == "ích i dét"


def test_foreign_words_symbols_and_addresses_are_flagged():
    reading = NORTH.normalize("Xem Youtube, www.xa.gov.vn ★ hoặc quét mã QR.")
    kinds = {f.kind for f in reading.flags}
    assert {FlagKind.FOREIGN_WORD, FlagKind.ADDRESS, FlagKind.SYMBOL} <= kinds
    assert "★" not in reading.text


def test_headings_in_capitals_are_words_not_abbreviations():
    reading = NORTH.normalize("THÔNG BÁO KHẨN CẤP VỀ PHÒNG CHỐNG DỊCH")
    assert reading.text == "thông báo khẩn cấp về phòng chống dịch"
    assert reading.flags == ()


def test_user_lexicon_overrides_and_adds():
    lexicon = Lexicon.builtin().with_user({"BQLDA": "ban quản lý dự án"}, {"Đăk Hà": "Đắc Hà Hà"})
    normalizer = Normalizer(lexicon)
    assert normalizer.normalize("BQLDA huyện Đăk Hà").text == "ban quản lý dự án huyện Đắc Hà Hà"
    assert lexicon.version != Lexicon.builtin().version


def test_legacy_tcvn3_paste_is_converted_and_reported():
    reading = NORTH.normalize("®Ò nghÞ bµ con ®Õn tr¹m y tÕ ®Ó tiªm phßng.")
    assert reading.legacy is not None and reading.legacy.value == "TCVN3"
    assert reading.text == "Đề nghị bà con đến trạm y tế để tiêm phòng."


def test_empty_and_whitespace():
    assert NORTH.normalize("").text == ""
    assert NORTH.normalize("  \n ").text.strip() == ""


def test_windows_line_endings_and_decomposed_unicode():
    decomposed = "Tie\u0302\u0301ng Vie\u0323\u0302t\r\nngày 5/6"
    assert NORTH.normalize(decomposed).text == "Tiếng Việt\nngày mùng năm tháng sáu"
