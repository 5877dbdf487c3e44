"""The worked example of the catalog workbook template (``export_catalog_template``):
one service with its instruments, delegation, category, documents and steps, so an
administrator sees how every column is filled in."""

TEMPLATE_EXAMPLE = {
    "instrumen_hukum": [
        {
            "jenis": "Undang-Undang",
            "nomor": "25",
            "tahun": 2009,
            "judul": "Pelayanan Publik",
            "tanggal_ditetapkan": "2009-07-18",
            "status": "Berlaku",
        },
        {
            "jenis": "Peraturan Wali Kota",
            "nomor": "12",
            "tahun": 2020,
            "judul": "Pelimpahan Sebagian Kewenangan Wali Kota kepada Camat",
            "tanggal_ditetapkan": "2020-02-03",
            "berlaku_mulai": "2020-02-03",
            "status": "Berlaku",
        },
    ],
    "kewenangan": [
        {
            "kode": "pskwc-b2",
            "instrumen": "perwal/12/2020",
            "pasal": "Lampiran huruf B angka 2",
            "kewenangan": "Surat keterangan domisili",
            "bidang": "Non-perizinan",
            "opd_asal": "Bagian Pemerintahan",
            "kecamatan": "semua",
            "dicabut": "Tidak",
        },
    ],
    "kategori": [{"slug": "keterangan", "nama": "Surat keterangan", "deskripsi": "", "urutan": 1}],
    "layanan": [
        {
            "kode": "skd",
            "nama": "Surat keterangan domisili",
            "kategori": "keterangan",
            "bidang": "Non-perizinan",
            "kewenangan": "pskwc-b2",
            "ringkasan": "Keterangan tempat tinggal penduduk.",
            "waktu": 1,
            "satuan_waktu": "hari kerja",
            "dihitung_sejak_lengkap": "Ya",
            "biaya": "Gratis",
            "produk": "Surat keterangan domisili",
            "pengaduan": "Kotak pengaduan di loket; www.lapor.go.id",
            "dasar_hukum": "uu/25/2009;perwal/12/2020#Lampiran huruf B angka 2",
        },
    ],
    "persyaratan": [
        {
            "layanan": "skd",
            "kunci": "pengantar",
            "urutan": 1,
            "nama": "Surat pengantar kelurahan",
            "bentuk": "Asli",
            "rangkap": 1,
            "wajib": "Ya",
        },
        {
            "layanan": "skd",
            "kunci": "kuasa",
            "urutan": 2,
            "nama": "Surat kuasa",
            "bentuk": "Asli",
            "rangkap": 1,
            "wajib": "Tidak",
            "syarat": "apabila dikuasakan",
        },
    ],
    "prosedur": [
        {
            "layanan": "skd",
            "urutan": 1,
            "langkah": "Penyerahan berkas di loket",
            "pelaksana": "Pemohon",
            "waktu": 10,
            "satuan_waktu": "menit",
            "dicatat_otomatis_oleh": "Pendaftaran permohonan (daring atau di loket)",
        },
        {
            "layanan": "skd",
            "urutan": 2,
            "langkah": "Verifikasi dan tanda tangan",
            "pelaksana": "Camat",
            "waktu": 1,
            "satuan_waktu": "jam",
            "dicatat_otomatis_oleh": "Camat menandatangani dan menerbitkan dokumen",
        },
    ],
}
