# A caught signal ends a futex wait (hw/riscv64/tests/futex_signal.c).
exec futex_signal
