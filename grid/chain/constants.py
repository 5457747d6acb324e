"""The thesis's private-chain parameters (genesis.json, thesis section 5.3), shared by every chain."""

THESIS_CHAIN_ID = 666                    # genesis.json "chainId"
THESIS_GENESIS_TIMESTAMP = 0x5DDF8F3E    # genesis.json "timestamp": 2019-11-28 09:11:26 UTC
