"""The participants' pages, by area: thin, an access selector, one service, a
message and a redirect. mentorship/urls.py maps each area to its module."""
