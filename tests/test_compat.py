"""What the portal takes from its libraries' internals is listed in portal.compat; an upgrade that
changes one of them fails here, naming the portal's module to read again."""

import pytest

from portal import compat


@pytest.mark.parametrize("internal", compat.INTERNALS, ids=lambda i: i.target)
def test_every_internal_the_portal_relies_on_is_as_it_was_written_against(internal):
    found = compat.fingerprint(internal.target)
    installed = compat.installed_version(internal.library)
    assert found == internal.fingerprint, (
        f"{internal.library} {installed} changed {internal.target} (the portal "
        f"was written against {internal.version}): read {internal.used_in} again ({internal.why}),"
        f" then record the new fingerprint {found} in portal.compat"
    )


def test_the_locked_versions_are_those_the_internals_were_written_against():
    for internal in compat.INTERNALS:
        assert compat.installed_version(internal.library) == internal.version, internal.target


def test_no_module_outside_compat_names_a_private_internal_without_pointing_to_it():
    """Each module that overrides a library's private method says where it is listed."""
    from portal import paths

    for module in {i.used_in for i in compat.INTERNALS} - {"portal.compat"}:
        path = paths.ROOT / (module.replace(".", "/") + ".py")
        if not path.exists():
            path = paths.ROOT / module.replace(".", "/") / "__init__.py"
        assert "portal.compat" in path.read_text(encoding="utf-8"), module
