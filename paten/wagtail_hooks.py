from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def datepicker_labels():
    """The date picker's English apply button, in the user's language."""
    return format_html(
        '<script src="{}" data-save-selected="{}"></script>',
        static("paten/js/admin-datepicker.js"),
        gettext("Save Selected"),
    )
