"""Replace Wagtail's default "Welcome" page with our HomePage and make it the site root.

The pattern of ``wagtail start``'s ``home/migrations/0002_create_homepage.py``, made
idempotent (a second run, or a database that already has a HomePage, changes nothing)
and reversible (backwards puts a plain Wagtail page back as the default site's root).
Pages are written with the historical models, so the treebeard fields are set by hand.
"""

from django.db import migrations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard MP_Node, steplen 4
STEPLEN = 4


def _encode(number):
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


def _next_child_path(Page, parent):
    last = Page.objects.filter(depth=parent.depth + 1, path__startswith=parent.path).order_by(
        "-path"
    )
    last = last.values_list("path", flat=True).first()
    step = int(last[-STEPLEN:], len(ALPHABET)) + 1 if last else 1
    return parent.path + _encode(step)


def _add_root_child(Page, model, content_type, root, **fields):
    page = model.objects.create(
        content_type=content_type,
        path=_next_child_path(Page, root),
        depth=root.depth + 1,
        numchild=0,
        url_path=f"/{fields['slug']}/",
        draft_title=fields["title"],
        locale_id=root.locale_id,
        live=True,
        **fields,
    )
    _recount_children(Page, root)
    return page


def _recount_children(Page, root):
    Page.objects.filter(pk=root.pk).update(
        numchild=Page.objects.filter(depth=root.depth + 1, path__startswith=root.path).count()
    )


def _point_default_site_to(Site, page):
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page_id=page.pk, is_default_site=True
        )
    elif site.root_page_id != page.pk:
        site.root_page_id = page.pk
        site.save(update_fields=["root_page"])


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("paten_site", "HomePage")

    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None:  # no page tree (wagtailcore's initial data was not loaded)
        return

    home = HomePage.objects.filter(depth=2).order_by("path").first()
    if home is None:
        homepage_type, _ = ContentType.objects.get_or_create(
            app_label="paten_site", model="homepage"
        )
        home = _add_root_child(
            Page, HomePage, homepage_type, root, title="Beranda", slug="home"
        )
    _point_default_site_to(Site, home)

    # Wagtail's "Welcome to your new Wagtail site!" page, unless someone built on it.
    page_type = ContentType.objects.filter(app_label="wagtailcore", model="page").first()
    if page_type is not None:
        Page.objects.filter(
            content_type=page_type, depth=2, numchild=0, slug="home", sites_rooted_here=None
        ).delete()
    _recount_children(Page, root)


def remove_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("paten_site", "HomePage")

    root = Page.objects.filter(depth=1).order_by("path").first()
    homes = HomePage.objects.filter(depth=2)
    if root is None or not homes.exists():
        return
    if homes.filter(numchild__gt=0).exists():
        raise RuntimeError(
            "The home page has child pages: move or delete them before unapplying "
            "paten_site.0002_create_homepage."
        )

    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    welcome = Page.objects.filter(content_type=page_type, depth=2, slug="home").first()
    if welcome is None:
        welcome = _add_root_child(
            Page, Page, page_type, root, title="Welcome to your new Wagtail site!", slug="home"
        )
    Site.objects.filter(root_page__in=homes).update(root_page=welcome)
    _point_default_site_to(Site, welcome)
    homes.delete()
    _recount_children(Page, root)


class Migration(migrations.Migration):
    dependencies = [
        ("paten_site", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
