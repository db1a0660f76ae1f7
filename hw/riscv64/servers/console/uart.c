/*
 * hw/riscv64/servers/console/uart.c — the console's terminal on riscv64
 * (servers/console/host.h): the virt board's 16550 UART, its registers
 * mapped into the console's space (RV_SYS_DEV_MAP).
 *
 * Output mapping (OPOST, ONLCR, OCRNL, ONOCR, ONLRET) is done here, since
 * there is no host terminal to do it. Input is polled: the reader thread
 * looks at the line status every 5 ms and sleeps in between with a closed
 * receive from itself (a wait nobody ends but its timeout). The UART's
 * interrupt through the PLIC would let it sleep until a byte comes; that is
 * for when interrupts reach user-level drivers.
 */
#include <exo/dev.h>
#include <exo/errno.h>
#include <exo/exo.h>

#include "../../lib/sys.h"
#include "host.h"

#define UART0 0x10000000ull
#define RBR 0
#define THR 0
#define LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20

static volatile uint8_t *uart;
static uint32_t oflag = DTO_OPOST | DTO_ONLCR;
static unsigned column;

int con_host_init(void)
{
	struct rv_ret r = RV_SYS2(RV_SYS_DEV_MAP, UART0, 1);

	if (r.err == EXO_OK)
		uart = (volatile uint8_t *)(uintptr_t)r.r1;
	return 1; /* a terminal: echo on */
}

void con_host_oflag(uint32_t f)
{
	oflag = f;
}

void con_host_winsize(uint16_t ws[4])
{
	ws[0] = 24;
	ws[1] = 80;
	ws[2] = ws[3] = 0;
}

static void put(char c)
{
	while (!(uart[LSR] & LSR_THRE))
		;
	uart[THR] = (uint8_t)c;
}

int con_host_write(int fd, const char *p, size_t n)
{
	if (!uart)
		return RV_SYS2(RV_SYS_DEBUG_WRITE, p, n).err == EXO_OK ? 0 : -XE_EIO;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (oflag & DTO_OPOST) {
			if (c == '\n' && (oflag & DTO_ONLCR)) {
				put('\r');
				column = 0;
			} else if (c == '\r' && (oflag & DTO_OCRNL)) {
				c = '\n';
			} else if (c == '\r' && (oflag & DTO_ONOCR) && column == 0) {
				continue;
			}
			if (c == '\n' && (oflag & DTO_ONLRET))
				column = 0;
		}
		put(c);
		column = c == '\r' || c == '\n' ? 0 : column + 1;
	}
	return 0;
}

uint64_t con_host_now(void)
{
	return exo_clock_ns();
}

long con_host_read(char *buf, size_t n)
{
	exo_msg_t m;

	for (;;) {
		size_t got = 0;

		while (uart && got < n && (uart[LSR] & LSR_DR))
			buf[got++] = (char)uart[RBR];
		if (got)
			return (long)got;
		m.nbr = 0;
		m.rcv_window = EXO_FPAGE_NIL;
		exo_recv(exo_myself(), &m, exo_timeout_ms(5));
	}
}

void con_host_interrupt(void)
{
	/* No process server to take ^C: nothing else to stop on the board. */
}
