# The kernel ABI between spaces (tests/kernel/ipc_spaces.c): the machine ends with its status.
exec ipc_spaces echo_server crasher
