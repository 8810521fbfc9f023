"""The jinja2 environment for human-readable files (never for Terraform JSON)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


def _templates_dir() -> Path:
    # A checkout (or editable install) has the top-level templates/ beside generator/; an
    # installed wheel carries the same files as generator/templates.
    package = Path(__file__).resolve().parent.parent
    checkout = package.parent / "templates"
    return checkout if (checkout / "summary.md.j2").is_file() else package / "templates"


TEMPLATES_DIR = _templates_dir()


@lru_cache(maxsize=1)
def environment():
    # jinja2 loads on first render: the synth cache's hit path needs TEMPLATES_DIR, not jinja2.
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        undefined=jinja2.StrictUndefined,  # a missing value is a bug, not an empty string
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render(template: str, **values) -> str:
    return environment().get_template(template).render(**values)
