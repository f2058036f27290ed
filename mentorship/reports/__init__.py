"""Coordinators' dashboards and exports: the one layer of the core that may
read across apps (surveys, matching) to put their figures beside the pairs'."""
