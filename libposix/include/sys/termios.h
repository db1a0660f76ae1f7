/*
 * libposix/include/sys/termios.h — the name picolibc's own <termios.h>
 * includes (picolibc has no such file): the same as <termios.h>.
 */
#include <termios.h>
