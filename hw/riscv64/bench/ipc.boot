exec bench_ipc echo_server
