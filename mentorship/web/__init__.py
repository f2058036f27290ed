"""What pages share beyond their views: the cached page content and what each
cached page depends on, declared in one place."""
