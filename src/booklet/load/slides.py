"""``slides:`` in ``content/event.yaml``: the settings of the session slides."""

from __future__ import annotations

from booklet.diagnostics import Diagnostics
from booklet.load.fields import Fields
from booklet.load.yamlsource import YamlMap
from booklet.model import ASPECTS, SlideSettings

SLIDES_FIELDS = ("aspect",)


def slide_settings(event: Fields, diags: Diagnostics) -> SlideSettings:
    """``slides: {aspect: 4:3}``; the defaults when absent (errors are reported)."""
    value = event.data.get("slides")
    if value is None:
        return SlideSettings()
    if not isinstance(value, YamlMap):
        diags.error(
            event.origin("slides"),
            "event: 'slides' must be a mapping of settings, such as slides: {aspect: 4:3}",
        )
        return SlideSettings()
    fields = Fields(value, "event: slides", diags)
    fields.check_keys(SLIDES_FIELDS)
    return SlideSettings(aspect=fields.choice("aspect", ASPECTS, SlideSettings.aspect))
