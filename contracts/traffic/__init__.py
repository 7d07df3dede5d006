"""Recorded traffic: record a real account (redacted), check it against the spec (drift), and
hold the emulator to it (parity). `contract-kit record|drift|parity`; see README."""

from contracts.traffic.cassette import (
    CassetteError,
    Interaction,
    read_cassette,
    write_har,
    write_vcr,
)
from contracts.traffic.findings import Finding, TrafficReport, TrafficWaiver, load_waivers
from contracts.traffic.recorder import AsyncRecordingTransport, Recorder, RecordingTransport
from contracts.traffic.redaction import REDACTED, Redactor

__all__ = [
    "REDACTED",
    "AsyncRecordingTransport",
    "CassetteError",
    "Finding",
    "Interaction",
    "Recorder",
    "RecordingTransport",
    "Redactor",
    "TrafficReport",
    "TrafficWaiver",
    "load_waivers",
    "read_cassette",
    "write_har",
    "write_vcr",
]
