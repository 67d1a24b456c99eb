"""Audio processing: decode, analyse, edit, master, encode, peaks. No Qt."""
