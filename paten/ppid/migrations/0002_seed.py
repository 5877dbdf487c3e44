"""Seed data of the PPID: the exception grounds of UU 14/2008 Pasal 17 (huruf a–j), one
letter template per kind, a first information category, and the moderation workflow of
DIP entries ("Persetujuan informasi publik": a PPID whose kecamatan holds the entry
approves, never the submitter; see ``DipApprovalTask``).

Everything is ordinary admin data afterwards: editable, and never overwritten here
(idempotent: existing rows are kept). Sources: ``docs/domain/ppid.md``.
"""

from django.db import migrations

GROUNDS = [
    ("UU 14/2008 Pasal 17 huruf a", "Menghambat proses penegakan hukum"),
    (
        "UU 14/2008 Pasal 17 huruf b",
        "Mengganggu perlindungan hak atas kekayaan intelektual dan dari persaingan usaha "
        "tidak sehat",
    ),
    ("UU 14/2008 Pasal 17 huruf c", "Membahayakan pertahanan dan keamanan negara"),
    ("UU 14/2008 Pasal 17 huruf d", "Mengungkapkan kekayaan alam Indonesia"),
    ("UU 14/2008 Pasal 17 huruf e", "Merugikan ketahanan ekonomi nasional"),
    ("UU 14/2008 Pasal 17 huruf f", "Merugikan kepentingan hubungan luar negeri"),
    (
        "UU 14/2008 Pasal 17 huruf g",
        "Mengungkapkan isi akta otentik yang bersifat pribadi dan kemauan terakhir atau "
        "wasiat seseorang",
    ),
    ("UU 14/2008 Pasal 17 huruf h", "Mengungkap rahasia pribadi"),
    (
        "UU 14/2008 Pasal 17 huruf i",
        "Memorandum atau surat antar atau intra Badan Publik yang menurut sifatnya "
        "dirahasiakan",
    ),
    (
        "UU 14/2008 Pasal 17 huruf j",
        "Informasi yang tidak boleh diungkapkan berdasarkan undang-undang",
    ),
]

_HEAD = (
    "Menanggapi permohonan informasi publik Saudara/i {{ nama_pemohon }} dengan nomor "
    "registrasi {{ nomor_registrasi }} tanggal {{ tanggal_permohonan }} mengenai:\n"
    "{{ informasi_diminta }}\n\n"
)
_TAIL = (
    "\n\nApabila Saudara/i tidak puas dengan tanggapan ini, Saudara/i dapat mengajukan "
    "keberatan kepada atasan PPID dalam waktu 30 (tiga puluh) hari kerja melalui halaman "
    "pelacakan permohonan (UU 14/2008 Pasal 35 dan 36)."
)
_EMAIL = (
    "Yth. Pemohon informasi,\n\n{{ keputusan }} — permohonan nomor {{ nomor_registrasi }}.\n\n"
    "Surat dan dokumen jawaban dapat diunduh pada halaman pelacakan dengan kode "
    "{{ kode_lacak }}:\n{{ alamat_pelacak }}\n\n{{ unit }}"
)

TEMPLATES = {
    "dikabulkan": (
        "Pemberitahuan Tertulis",
        _HEAD
        + "dengan ini kami beritahukan bahwa permohonan Saudara/i DIKABULKAN SELURUHNYA.\n\n"
        "{{ catatan }}\n\nDokumen informasi dapat diunduh pada halaman pelacakan permohonan."
        + _TAIL,
    ),
    "dikabulkan_sebagian": (
        "Pemberitahuan Tertulis",
        _HEAD
        + "dengan ini kami beritahukan bahwa permohonan Saudara/i DIKABULKAN SEBAGIAN.\n\n"
        "{{ catatan }}\n\nBagian informasi yang tidak dapat diberikan: "
        "{{ bagian_dikecualikan }}\n\nDasar pengecualian: {{ dasar_pengecualian }}."
        + _TAIL,
    ),
    "ditolak": (
        "Pemberitahuan Tertulis",
        _HEAD
        + "dengan ini kami beritahukan bahwa permohonan Saudara/i DITOLAK karena informasi "
        "yang dimohon termasuk informasi yang dikecualikan.\n\nDasar pengecualian: "
        "{{ dasar_pengecualian }}.\n\n{{ catatan }}"
        + _TAIL,
    ),
    "tidak_dikuasai": (
        "Pemberitahuan Tertulis",
        _HEAD
        + "dengan ini kami beritahukan bahwa informasi yang dimohon TIDAK DIKUASAI oleh "
        "{{ unit }}.\n\nInformasi tersebut kemungkinan dapat diperoleh pada: "
        "{{ tempat_informasi }}.\n\n{{ catatan }}"
        + _TAIL,
    ),
    "ditarik": (
        "Konfirmasi Penarikan Permohonan",
        "Permohonan informasi publik nomor registrasi {{ nomor_registrasi }} tanggal "
        "{{ tanggal_permohonan }} telah ditarik oleh pemohon dan tidak diproses lebih lanjut.",
    ),
    "perpanjangan": (
        "Pemberitahuan Perpanjangan Waktu",
        _HEAD
        + "dengan ini kami beritahukan bahwa jangka waktu pemberitahuan tertulis "
        "diperpanjang sampai dengan {{ batas_waktu }} (UU 14/2008 Pasal 22 ayat 8), dengan "
        "alasan:\n{{ alasan_perpanjangan }}",
    ),
    "tanggapan_keberatan": (
        "Tanggapan atas Keberatan",
        "Menanggapi keberatan nomor {{ nomor_keberatan }} atas permohonan informasi nomor "
        "{{ nomor_registrasi }} dengan alasan:\n{{ alasan_keberatan }}\n\n"
        "Keputusan atasan PPID: {{ keputusan }}\n\n{{ tanggapan }}\n\n"
        "Apabila Saudara/i tidak puas dengan tanggapan ini, Saudara/i dapat mengajukan "
        "permohonan penyelesaian sengketa informasi kepada Komisi Informasi paling lambat "
        "{{ batas_sengketa }} (14 hari kerja; UU 14/2008 Pasal 37 ayat 2).",
    ),
}

WORKFLOW_NAME = "Persetujuan informasi publik"
TASK_NAME = "Persetujuan PPID"
APPROVER_GROUP = "PPID"


def seed(apps, schema_editor):
    ExceptionGround = apps.get_model("ppid", "ExceptionGround")
    ResponseTemplate = apps.get_model("ppid", "ResponseTemplate")
    DipCategory = apps.get_model("ppid", "DipCategory")
    for order, (article, name) in enumerate(GROUNDS, start=1):
        if not ExceptionGround.objects.filter(article=article).exists():
            ExceptionGround.objects.create(article=article, name=name, sort_order=order)
    for kind, (title, body) in TEMPLATES.items():
        if not ResponseTemplate.objects.filter(kind=kind).exists():
            ResponseTemplate.objects.create(
                kind=kind,
                title=title,
                body=body,
                email_subject=f"{title} — {{{{ nomor_registrasi }}}}",
                email_body=_EMAIL,
            )
    if not DipCategory.objects.exists():
        DipCategory.objects.create(name="Umum", slug="umum", sort_order=0)

    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    DipApprovalTask = apps.get_model("ppid", "DipApprovalTask")
    task_type, _created = ContentType.objects.get_or_create(
        app_label="ppid", model="dipapprovaltask"
    )
    entry_type, _created = ContentType.objects.get_or_create(app_label="ppid", model="dipentry")
    group, _created = Group.objects.get_or_create(name=APPROVER_GROUP)
    task = DipApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = DipApprovalTask.objects.create(name=TASK_NAME, active=True, content_type=task_type)
    task.groups.add(group)
    workflow, _created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(workflow=workflow, task_id=task.pk, defaults={"sort_order": 0})
    WorkflowContentType.objects.get_or_create(content_type=entry_type, defaults={"workflow": workflow})


def unseed(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    DipApprovalTask = apps.get_model("ppid", "DipApprovalTask")
    Workflow.objects.filter(name=WORKFLOW_NAME).delete()
    DipApprovalTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ppid", "0001_initial"),
        ("accounts", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
