def assert_accessible(axe, page):
    """axe-core finds no violation on the page as it stands."""
    violations = [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes)"
        for violation in axe.run(page).response["violations"]
    ]
    assert violations == [], violations
