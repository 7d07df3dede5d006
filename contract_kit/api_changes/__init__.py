"""When a vendor's API changes: a change report, a semver bump and a changelog per package.

`spec_rules` classes the spec's changes (oasdiff-named rules), `python_api` diffs each generated
package's public API with griffe, `report` combines them into bumps and renderings, `releases`
records versions and changelog entries for the next regeneration, `command` is
`contract-kit api-changes`.
"""
