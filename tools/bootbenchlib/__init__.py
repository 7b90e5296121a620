"""bootbench: the boot-time benchmark harness (tools/bootbench is its command)."""
