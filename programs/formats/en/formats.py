# The product's date and time formats (Django format strings), for every page,
# mail, calendar file and the admin: see programs/formats/__init__.py.
DATE_FORMAT = "j M Y"  # 4 Dec 2026
DATETIME_FORMAT = "j M Y, H:i"  # 4 Dec 2026, 14:30
TIME_FORMAT = "H:i"  # 14:30
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j M"  # 4 Dec (Django's admin date drill-down)
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
