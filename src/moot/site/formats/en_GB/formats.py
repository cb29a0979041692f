"""moot's one way of writing dates and times (UK style, in the organisation's time zone,
settings.TIME_ZONE): templates use the named formats (``{{ when }}``, ``|date``,
``|date:"SHORT_DATE_FORMAT"``, ``|date:"SHORT_DATETIME_FORMAT"``, ``|time``) and Python uses
``moot.dates``; no template or module writes its own format string."""

# Monday 7 December 2026 / Monday 7 December 2026, 19:00
DATE_FORMAT = "l j F Y"
DATETIME_FORMAT = "l j F Y, H:i"
# 7 Dec 2026 / 7 Dec 2026, 19:00
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
