"""HTML to PDF for every document the product prints (WeasyPrint).

WeasyPrint loads Pango and HarfBuzz through cffi when it is imported, which costs a
process almost a second; only the requests and tasks that print pay it, not every
``manage.py`` command, Celery worker and web worker at start-up.
"""


def html_to_pdf(html: str, *, base_url: str | None = None, target=None) -> bytes | None:
    """``html`` as PDF bytes, or written to ``target`` (a path or file) when given.

    Without ``base_url`` the document must reference nothing outside itself: relative
    URLs then resolve to nothing and nothing is fetched.
    """
    import weasyprint

    return weasyprint.HTML(string=html, base_url=base_url).write_pdf(target)
