"""Coordinators' dashboards and exports: the one layer of the core that may
read across apps (surveys) to put their figures beside the pairs'. Not matching:
surveys imports reports.exports, and matching and surveys never meet."""
