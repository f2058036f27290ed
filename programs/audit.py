"""A program's recent changes: who changed what, when, field by field.

django-simple-history records every save of the audited models (program rules,
cohorts, coordinators, enrolments, events, mentorships, match runs, proposals,
shortlists, surveys…) with the person behind the request
(HistoryRequestMiddleware). This module reads those records for one program
and turns consecutive versions into "field: old → new".

Which models and how each reaches its program come from the admin: every
ModelAdmin scoped with `ProgramScopedMixin` names its `program_path`, so the
page follows the same scope as the lists, and programs never imports the apps
that register them (mentorship, matching, surveys).

A page costs a fixed number of queries however many rows it shows: one per
audited model for the rows, one per model for the versions before them, and
one per kind of related object named in a row.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict

from django.contrib import admin
from django.db import models
from django.urls import NoReverseMatch, reverse

from .admin_scope import ProgramScopedMixin
from .formats import date_text, datetime_text
from .models import ProgramCoordinator

HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
# Long texts (guidelines, descriptions) are cut in the diff; the history page
# of the object shows the whole version.
MAX_VALUE_CHARS = 160
PER_PAGE = 50
MAX_PAGES = 40


@dataclasses.dataclass(frozen=True)
class Audited:
    model: type[models.Model]
    program_path: str  # from the model to Program; "" for Program itself


@dataclasses.dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclasses.dataclass
class Change:
    when: datetime.datetime
    who: str
    what: str  # the model's verbose name
    object_label: str
    object_id: int
    kind: str  # created, changed, deleted
    reason: str
    history_url: str
    fields: list[FieldChange]


def audited_models(site=None) -> list[Audited]:
    """The history-keeping models the admin scopes by program, and coordinators."""
    site = site or admin.site
    found = {ProgramCoordinator: Audited(ProgramCoordinator, "program")}
    for model, model_admin in site._registry.items():
        if isinstance(model_admin, ProgramScopedMixin) and _history_model(model) is not None:
            found[model] = Audited(model, model_admin.program_path)
    return sorted(found.values(), key=lambda a: a.model._meta.label)


def _history_model(model):
    manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager_name).model if manager_name else None


def _scoped(audited: Audited, program_ids) -> models.QuerySet:
    history = _history_model(audited.model)
    lookup = "id__in" if not audited.program_path else f"{audited.program_path}__in"
    return history.objects.filter(**{lookup: list(program_ids)})


def _tracked(history_model) -> list[models.Field]:
    # Timestamps the database moves on every save say nothing a person changed.
    return [f for f in history_model.tracked_fields if not getattr(f, "auto_now", False)]


def recent_changes(*, program_ids, page: int = 1, per_page: int = PER_PAGE, site=None) -> tuple[list[Change], bool]:
    """The newest changes in the programs, newest first; and whether an older page exists."""
    page = max(1, min(page, MAX_PAGES))
    wanted = page * per_page
    rows = []
    for audited in audited_models(site):
        qs = _scoped(audited, program_ids).select_related("history_user").order_by("-history_date", "-history_id")
        rows += [(audited, row) for row in qs[: wanted + 1]]
    rows.sort(key=lambda pair: (pair[1].history_date, pair[1].history_id), reverse=True)
    has_more = len(rows) > wanted
    rows = rows[(page - 1) * per_page : wanted]

    previous = _previous_versions(rows)
    labels = _related_labels(rows + [(a, p) for (a, _), p in previous.items() if p is not None])
    return [_change(audited, row, previous.get((audited, row.history_id)), labels) for audited, row in rows], has_more


def _previous_versions(rows) -> dict:
    """Each "changed" row's version just before it, one query per model."""
    wanted = defaultdict(list)
    for audited, row in rows:
        if row.history_type == "~":
            wanted[audited].append(row)
    found = {}
    for audited, changed in wanted.items():
        history = _history_model(audited.model)
        newest = max(row.history_date for row in changed)
        versions = defaultdict(list)
        for version in history.objects.filter(
            id__in={row.id for row in changed}, history_date__lte=newest
        ).order_by("history_date", "history_id"):
            versions[version.id].append(version)
        for row in changed:
            before = [
                v for v in versions[row.id] if (v.history_date, v.history_id) < (row.history_date, row.history_id)
            ]
            found[(audited, row.history_id)] = before[-1] if before else None
    return found


def _related_labels(rows) -> dict:
    """{(related model, pk): object} for every foreign key value in the rows, one query per related model."""
    ids = defaultdict(set)
    for audited, row in rows:
        for field in _tracked(row.__class__):
            if field.is_relation and field.many_to_one:
                value = getattr(row, field.attname)
                if value is not None:
                    ids[field.related_model].add(value)
    found = {}
    for model, pks in ids.items():
        # select_related() follows non-null keys, so a cohort's label (which
        # names its program) costs no query per row.
        for pk, obj in model._default_manager.select_related().in_bulk(list(pks)).items():
            found[(model, pk)] = obj
    return found


def _instance(row, labels):
    """The version as a model object whose related objects come from `labels` (no query)."""
    instance = row.instance_type(**{f.attname: getattr(row, f.attname) for f in row.__class__.tracked_fields})
    for field in row.__class__.tracked_fields:
        if field.is_relation and field.many_to_one:
            value = getattr(row, field.attname)
            instance._state.fields_cache[field.name] = labels.get((field.related_model, value)) if value else None
    return instance


def _label(row, labels) -> str:
    try:
        return str(_instance(row, labels))
    except (AttributeError, TypeError):
        # A related object since deleted: name the row by its model and id.
        return f"{row.instance_type._meta.verbose_name} #{row.id}"


def _value(field, value, labels) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if field.is_relation and field.many_to_one:
        obj = labels.get((field.related_model, value))
        return str(obj) if obj is not None else f"#{value} (deleted)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return datetime_text(value)
    if isinstance(value, datetime.date):
        return date_text(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _change(audited: Audited, row, before, labels) -> Change:
    fields = []
    if row.history_type == "~" and before is not None:
        for field in _tracked(row.__class__):
            old, new = getattr(before, field.attname), getattr(row, field.attname)
            if old != new:
                fields.append(
                    FieldChange(str(field.verbose_name), _value(field, old, labels), _value(field, new, labels))
                )
    user = row.history_user
    who = (user.get_full_name() or user.email) if user is not None else "the system"
    opts = audited.model._meta
    try:
        history_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[row.id])
    except NoReverseMatch:
        history_url = ""
    return Change(
        when=row.history_date,
        who=who,
        what=str(opts.verbose_name),
        object_label=_label(row, labels),
        object_id=row.id,
        kind=HISTORY_TYPES.get(row.history_type, row.history_type),
        reason=row.history_change_reason or "",
        history_url=history_url if row.history_type != "-" else "",
        fields=fields,
    )
