"""The contract harness: schemathesis and hypothesis against the emulator or a sandbox.

The oracle is spec/chargeover.openapi.yaml itself. Entry point: `python -m contracts`
(contracts.cli); a run is contracts.runner.run(Settings) -> RunReport, judged with the checks,
auth and waivers of one harness dialect (contracts.dialect, contracts.dialects).
"""
