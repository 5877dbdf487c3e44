PEMDA_NAME = "Pemerintah Kota Bontang"
