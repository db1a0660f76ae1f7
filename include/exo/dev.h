/*
 * exo/dev.h — the character device protocol: what a device server (the
 * console, ...) answers. The VFS keeps descriptors; for I/O on a device
 * descriptor it answers VFS_REDIRECT with the device server and a handle,
 * and libposix then calls the device server directly. For the terminal
 * calls (termios, window size, FIONREAD) libposix finds the server and its
 * handles with VFS_DEVICE.
 *
 * Replies: label 0 and the registers listed, or an XE_* errno. A read that
 * must wait is answered later (the server keeps serving others meanwhile).
 * A request with fewer words than declared gets XE_EINVAL (an unknown label
 * XE_ENOSYS); a bad handle
 * XE_EBADF; bad flags or selectors XE_EINVAL; a terminal call to a device
 * that is not a terminal XE_ENOTTY.
 *
 * Terminal attributes on the wire are Exo's own (below); libposix
 * translates them to and from its C library's termios.
 */
#ifndef EXO_DEV_H
#define EXO_DEV_H

#include <exo/msg.h>

/*
 * The operations, their numbers and their registers are declared once, in
 * protocols/dev.def: dev_proto.h (generated) has enum dev_op (DEV_READ...)
 * and the layouts. Include it to speak the protocol. READ's reply carries
 * the bytes read as a string item into the buffer the caller offers.
 */

/* READ's flags. */
#define DEV_RD_NONBLOCK 0x1u    /* nothing to read now: XE_EAGAIN, do not wait */
#define DEV_RD_KNOWN 0x1u

/* NREAD's second word: why a read would not wait although no bytes are there. */
#define DEV_NR_EOF 0x1u         /* a read returns 0 now (EOF typed, or the input ended) */
#define DEV_NR_HUP 0x2u         /* the input ended for good (the host's stdin closed) */

/*
 * Terminal attributes: TCGETATTR's reply and TCSETATTR's request carry
 * these words (after TCSETATTR's handle and when).
 */
enum dev_termios_word {
	DTW_IFLAG, DTW_OFLAG, DTW_CFLAG, DTW_LFLAG,
	DTW_SPEED,              /* bits per second, both directions */
	DTW_CC0, DTW_CC1,       /* control characters: cc[i] is byte i % 8 of DTW_CC0 + i / 8 */
	DTW_WORDS
};

/* Input flags. */
#define DTI_IGNBRK 0x1u
#define DTI_BRKINT 0x2u
#define DTI_IGNPAR 0x4u
#define DTI_PARMRK 0x8u
#define DTI_INPCK 0x10u
#define DTI_ISTRIP 0x20u
#define DTI_INLCR 0x40u
#define DTI_IGNCR 0x80u
#define DTI_ICRNL 0x100u
#define DTI_IXON 0x200u
#define DTI_IXANY 0x400u
#define DTI_IXOFF 0x800u
#define DTI_IMAXBEL 0x1000u
#define DTI_IUTF8 0x2000u
#define DTI_KNOWN 0x3fffu

/* Output flags. */
#define DTO_OPOST 0x1u
#define DTO_ONLCR 0x2u
#define DTO_OCRNL 0x4u
#define DTO_ONOCR 0x8u
#define DTO_ONLRET 0x10u
#define DTO_KNOWN 0x1fu

/* Control flags: a character size and the rest (kept, a console has no line). */
#define DTF_CSIZE 0x3u          /* 0: 5 bits ... 3: 8 bits */
#define DTF_CS8 0x3u
#define DTF_CSTOPB 0x4u
#define DTF_CREAD 0x8u
#define DTF_PARENB 0x10u
#define DTF_PARODD 0x20u
#define DTF_HUPCL 0x40u
#define DTF_CLOCAL 0x80u
#define DTF_KNOWN 0xffu

/* Local flags. */
#define DTL_ISIG 0x1u
#define DTL_ICANON 0x2u
#define DTL_ECHO 0x4u
#define DTL_ECHOE 0x8u
#define DTL_ECHOK 0x10u
#define DTL_ECHONL 0x20u
#define DTL_NOFLSH 0x40u
#define DTL_TOSTOP 0x80u
#define DTL_IEXTEN 0x100u
#define DTL_ECHOCTL 0x200u
#define DTL_ECHOKE 0x400u
#define DTL_KNOWN 0x7ffu

/* Control character indices; a character 0 is disabled. */
enum dev_cc {
	DTC_VINTR, DTC_VQUIT, DTC_VERASE, DTC_VKILL, DTC_VEOF, DTC_VTIME, DTC_VMIN,
	DTC_VSTART, DTC_VSTOP, DTC_VSUSP, DTC_VEOL, DTC_VREPRINT, DTC_VDISCARD,
	DTC_VWERASE, DTC_VLNEXT, DTC_VEOL2,
	DTC_COUNT
};
#define DT_VDISABLE 0

/* TCSETATTR's when; TCFLUSH's queue. */
#define DT_TCSANOW 0
#define DT_TCSADRAIN 1
#define DT_TCSAFLUSH 2
#define DT_FLUSH_IN 1
#define DT_FLUSH_OUT 2
#define DT_FLUSH_BOTH 3


/* Untyped words each request must carry, from the declaration above. */

/* The console ("console"): handle 0 reads the terminal, 1 and 2 write it. */
#define CONSOLE_NAME "console"
#define CONSOLE_IN 0
#define CONSOLE_OUT 1
#define CONSOLE_ERR 2

/*
 * The boot image ("initrd", /dev/initrd): read-only. Each handle is a stream
 * with its own offset (the VFS gives each open its own handle); writes get
 * XE_EROFS, the terminal calls XE_ENOTTY.
 */
#define INITRD_NAME "initrd"

#endif
