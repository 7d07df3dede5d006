"""The contract kit's front door: one command, `contract-kit`, for every vendor and tool."""
