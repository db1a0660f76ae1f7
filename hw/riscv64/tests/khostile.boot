# Hostile ecalls from one space (hw/riscv64/tests/hostile.c); an echo server must live through them.
start echo echo_server hecho
wait hecho
exec hostile
