"""What every page's template is given: the person's roles, for the navigation."""

def navigation(request):
    """What the navigation bar shows: the person's roles across programs."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    from programs.selectors import roles_for_user

    return {"nav_roles": roles_for_user(user=user)}
