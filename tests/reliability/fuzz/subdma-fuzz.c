// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * subdma-fuzz: random and near-valid commands through the user-space
 * interfaces of one scratch disk, reproducible from a seed.
 *   subdma-fuzz --sg /dev/sgN --sd /dev/sdX [--bsg /dev/bsg/H:C:T:L]
 *               [--seed S] [--from I] [--count N] [--margin-ms MS]
 *               [--short-permille P] [--no-interleave] [--verbose]
 * Command I is drawn from (S, I) alone, so "--seed S --from I --count 1
 * --verbose" sends it again and says what it is.  It goes through SG_IO
 * on the sg node (sg v3, flat or scattered over 1 to UIO_MAXIOV elements
 * at odd addresses and lengths), SG_IO v4 on the bsg node, or O_DIRECT
 * preadv/pwritev on the disk (aligned or not); now and then it is a
 * SG_SCSI_RESET.  A second process, drawn from the same seed, opens and
 * closes the same nodes meanwhile, sends commands through sg's write()
 * and read() (or leaves them orphaned) and resets now and then.
 *
 * Errors are expected and counted.  What fails the run (exit status 1):
 * a call that took longer than its timeout plus the margin (90 s), or an
 * impossible answer: a residual count below zero or above the length, more
 * sense or response bytes than room for them, a status byte that does not
 * match its masked form, more bytes than asked from a read or write, or
 * bytes changed outside the buffers handed over (or inside one that was
 * only to be read).  The parent process watches both: a call still
 * running past its bound is reported with its index and the kernel's
 * stack, and the run ends at once (exit status 2).  Lines "STAT NAME
 * VALUE" at the end feed the campaign's report.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/bsg.h>
#include <linux/fs.h>
#include <poll.h>
#include <scsi/sg.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SG_SCSI_RESET_TARGET
#define SG_SCSI_RESET_TARGET 4
#endif
#ifndef SG_SCSI_RESET_NO_ESCALATE
#define SG_SCSI_RESET_NO_ESCALATE 0x100
#endif
#ifndef SG_FLAG_Q_AT_TAIL
#define SG_FLAG_Q_AT_TAIL 0x10
#endif
#ifndef SG_FLAG_Q_AT_HEAD
#define SG_FLAG_Q_AT_HEAD 0x20
#endif
#ifndef SG_DXFER_UNKNOWN
#define SG_DXFER_UNKNOWN (-5)
#endif
#ifndef UIO_MAXIOV
#define UIO_MAXIOV 1024
#endif

#define PAD 64			/* guard bytes around every buffer */
#define ERRNOS 140
#define IMPOSSIBLE_SHOWN 20

enum iface { IF_SG, IF_SGIOV, IF_BSG, IF_DIRECT, IF_RESET, IFACES };
static const char *const iface_name[IFACES] = {
	"sg", "sg_iovec", "bsg", "direct", "reset"
};

/* what one process is doing, for the watching parent */
struct slot {
	volatile int in_call;
	volatile uint64_t index;
	volatile uint64_t start_ns;
	volatile uint64_t bound_ms;
	volatile pid_t pid;
	char what[200];
};

struct shared {
	struct slot slot[2];	/* 0: the commands, 1: the interleaver */
	volatile int done;
	uint64_t commands, per_iface[IFACES], ok, errnos[ERRNOS];
	uint64_t host_status[256], driver_status[256], masked_status[256];
	uint64_t impossible, max_ms, max_index, short_timeouts, failed_read_changed;
	uint64_t il_steps, il_opens, il_async, il_orphans, il_resets;
};

static struct shared *sh;

static struct {
	uint64_t seed, from, count;
	const char *sg, *sd, *bsg;
	uint64_t max_bytes, disk_bytes, margin_ms, short_permille;
	unsigned int lbs, sd_timeout_s;
	int interleave, verbose;
} opt = {
	.count = 1000, .margin_ms = 90000, .short_permille = 1,
	.interleave = 1, .lbs = 512, .sd_timeout_s = 30,
};

/* --- reproducible randomness: splitmix64, one stream per (seed, index) */
struct rng {
	uint64_t s;
};

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix(r->s);
}

static struct rng rng_for(uint64_t stream, uint64_t index)
{
	struct rng r = { mix(opt.seed ^ mix(stream * 0x632be59bd9b4e019ULL + 1)) ^
			 mix(index + 0x12345) };
	return r;
}

static uint64_t below(struct rng *r, uint64_t n)	/* 0 to n - 1 */
{
	return n ? next(r) % n : 0;
}

static int chance(struct rng *r, unsigned int permille)
{
	return below(r, 1000) < permille;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void impossible(uint64_t index, const char *fmt, ...)
{
	va_list ap;

	__atomic_add_fetch(&sh->impossible, 1, __ATOMIC_RELAXED);
	if (sh->impossible > IMPOSSIBLE_SHOWN)
		return;
	printf("fuzz: IMPOSSIBLE at index %" PRIu64 " (seed %" PRIu64 "): ",
	       index, opt.seed);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" [%s]\n", sh->slot[0].what);
	fflush(stdout);
}

/* begin and end a call that the parent watches */
static void call_begin(int s, uint64_t index, uint64_t bound_ms)
{
	sh->slot[s].index = index;
	sh->slot[s].bound_ms = bound_ms;
	sh->slot[s].start_ns = now_ns();
	__atomic_store_n(&sh->slot[s].in_call, 1, __ATOMIC_SEQ_CST);
}

static uint64_t call_end(int s)
{
	uint64_t ms = (now_ns() - sh->slot[s].start_ns) / 1000000;

	__atomic_store_n(&sh->slot[s].in_call, 0, __ATOMIC_SEQ_CST);
	if (ms > sh->max_ms) {
		sh->max_ms = ms;
		sh->max_index = sh->slot[s].index;
	}
	return ms;
}

static void count_errno(int e)
{
	__atomic_add_fetch(&sh->errnos[e > 0 && e < ERRNOS ? e : 0], 1,
			   __ATOMIC_RELAXED);
}

/* --- buffers: an arena with guard bytes around and between elements */
struct arena {
	unsigned char *mem, *shadow;
	size_t size;
	struct iovec iov[UIO_MAXIOV + 8];
	int n;
	uint64_t total;
};

static void arena_free(struct arena *a)
{
	free(a->mem);
	free(a->shadow);
	a->mem = a->shadow = NULL;
}

/*
 * n elements of the given lengths, each at an odd address when odd is
 * set, apart from the next by a gap; the whole filled with a pattern of
 * the index and copied aside
 */
static int arena_make(struct arena *a, struct rng *r, int n, const size_t *len,
		      int odd, unsigned int align)
{
	size_t off, size = 2 * PAD;
	int i;

	for (i = 0; i < n; i++)
		size += len[i] + 2 * (size_t)align + 16;
	a->mem = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);
	a->shadow = malloc(size);
	if (!a->mem || !a->shadow) {
		arena_free(a);
		return -1;
	}
	a->size = size;
	a->n = n;
	a->total = 0;
	for (off = 0; off < size; off++)
		a->mem[off] = (unsigned char)(0xa5 ^ off ^ (off >> 8));
	off = PAD;
	for (i = 0; i < n; i++) {
		if (align > 1)
			off = (off + align - 1) / align * align;
		if (odd)
			off |= 1;
		a->iov[i].iov_base = a->mem + off;
		a->iov[i].iov_len = len[i];
		a->total += len[i];
		off += len[i] + below(r, 16);
	}
	memcpy(a->shadow, a->mem, size);
	return 0;
}

/* bytes outside the elements (or anywhere, when nothing was to be read
 * into them) that changed */
static size_t arena_changed(const struct arena *a, int inside_too)
{
	size_t changed = 0, off = 0, end;
	int i;

	for (i = 0; i <= a->n; i++) {
		end = i < a->n ? (size_t)((unsigned char *)a->iov[i].iov_base - a->mem) :
			a->size;
		if (end < off)	/* elements never overlap; be safe */
			end = off;
		for (; off < end; off++)
			changed += a->mem[off] != a->shadow[off];
		if (i < a->n) {
			end = off + a->iov[i].iov_len;
			for (; off < end; off++)
				if (inside_too)
					changed += a->mem[off] != a->shadow[off];
		}
	}
	return changed;
}

/* --- commands */
static const int dirs[] = {
	SG_DXFER_NONE, SG_DXFER_TO_DEV, SG_DXFER_FROM_DEV, SG_DXFER_TO_FROM_DEV,
	SG_DXFER_UNKNOWN, 0, 1, -6, INT_MIN, INT_MAX,
};

static const char *dir_name(int d)
{
	switch (d) {
	case SG_DXFER_NONE: return "none";
	case SG_DXFER_TO_DEV: return "to_dev";
	case SG_DXFER_FROM_DEV: return "from_dev";
	case SG_DXFER_TO_FROM_DEV: return "to_from_dev";
	case SG_DXFER_UNKNOWN: return "unknown";
	default: return "invalid";
	}
}

static int group_len(unsigned char op)
{
	static const int len[8] = { 6, 10, 10, 16, 16, 12, 10, 10 };

	return len[op >> 5];
}

/* a transfer length, mostly small, now and then up to and past the limit */
static uint64_t xfer_len(struct rng *r)
{
	uint64_t p = below(r, 1000), max = opt.max_bytes;

	if (p < 250)
		return below(r, 65);
	if (p < 650)
		return 1 + below(r, 4096);
	if (p < 880)
		return 1 + below(r, 65536);
	if (p < 960)
		return 1 + below(r, max);
	if (p < 985)
		return max + below(r, 3) - 1;
	return max + 1 + below(r, max + 4096);
}

static void put_be(unsigned char *p, int bytes, uint64_t v)
{
	while (bytes--) {
		p[bytes] = (unsigned char)v;
		v >>= 8;
	}
}

/*
 * A CDB: near-valid ones (an opcode the disk knows, a block address
 * mostly on the disk, a transfer length that matches the data or nearly)
 * or random bytes behind any opcode.  Returns the CDB's length.
 */
static int make_cdb(struct rng *r, unsigned char *cdb, uint64_t dlen)
{
	static const unsigned char known[] = {
		0x00, 0x03, 0x08, 0x0a, 0x12, 0x15, 0x1a, 0x1b, 0x1e, 0x25,
		0x28, 0x2a, 0x2f, 0x35, 0x3b, 0x3c, 0x41, 0x42, 0x4d, 0x55,
		0x5a, 0x85, 0x88, 0x8a, 0x8f, 0x91, 0x93, 0x9e, 0xa0, 0xa1,
		0xa3, 0xa8, 0xaa,
	};
	uint64_t blocks = opt.disk_bytes / opt.lbs, lba, n;
	unsigned char op;
	int len, i;

	for (i = 0; i < 256; i++)
		cdb[i] = (unsigned char)next(r);
	if (chance(r, 500)) {
		op = known[below(r, sizeof(known))];
		len = group_len(op);
		memset(cdb, 0, 16);
		cdb[0] = op;
		lba = chance(r, 900) ? below(r, blocks) : next(r);
		n = chance(r, 700) ? (dlen + opt.lbs - 1) / opt.lbs : below(r, 70000);
		switch (len) {
		case 6:
			put_be(cdb + 1, 3, lba & 0x1fffff);
			cdb[4] = (unsigned char)(op == 0x08 || op == 0x0a ? n : dlen);
			break;
		case 10:
			put_be(cdb + 2, 4, lba);
			put_be(cdb + 7, 2, op == 0x28 || op == 0x2a || op == 0x2f ||
			       op == 0x41 ? n : dlen);
			break;
		case 12:
			put_be(cdb + 2, 4, lba);
			put_be(cdb + 6, 4, op == 0xa8 || op == 0xaa ? n : dlen);
			break;
		default:
			put_be(cdb + 2, 8, lba);
			put_be(cdb + 10, 4, n);
			if (op == 0x9e) {	/* READ CAPACITY(16) */
				cdb[1] = 0x10;
				put_be(cdb + 10, 4, dlen);
			}
			break;
		}
		if (chance(r, 100))
			cdb[1] = (unsigned char)next(r);
	} else {
		op = (unsigned char)below(r, 256);
		cdb[0] = op;
		len = group_len(op);
	}
	switch (below(r, 20)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return 17;
	case 3: return 255;
	case 4: return 6 + 2 * (int)below(r, 6);	/* 6 to 16, even */
	case 5: return 2 + (int)below(r, 30);
	default: return len;
	}
}

static unsigned int make_timeout(struct rng *r)
{
	if (chance(r, (unsigned int)opt.short_permille)) {
		__atomic_add_fetch(&sh->short_timeouts, 1, __ATOMIC_RELAXED);
		return 1 + (unsigned int)below(r, 20);
	}
	if (chance(r, 10))
		return 0;	/* the interface's default */
	return 5000 + (unsigned int)below(r, 25000);
}

/* element lengths: odd mostly; their count 1 to UIO_MAXIOV, and past it */
static int make_iov_lens(struct rng *r, size_t *len, uint64_t want)
{
	uint64_t p = below(r, 100);
	int n, i;

	if (p < 60)
		n = 1 + (int)below(r, 8);
	else if (p < 85)
		n = 9 + (int)below(r, 56);
	else if (p < 95)
		n = 65 + (int)below(r, UIO_MAXIOV - 64);
	else if (p < 98)
		n = UIO_MAXIOV;
	else
		n = UIO_MAXIOV + 1;
	for (i = 0; i < n; i++) {
		uint64_t each = want / n + 1;

		len[i] = below(r, 2 * each) | (chance(r, 900) ? 1 : 0);
		if (chance(r, 20))
			len[i] = 0;
	}
	return n;
}

static int fd_sg = -1, fd_sd = -1, fd_bsg = -1;

static void note_result(int rc, int e)
{
	if (rc < 0)
		count_errno(e);
	else
		__atomic_add_fetch(&sh->ok, 1, __ATOMIC_RELAXED);
}

/*
 * A read the kernel refused may still have written into its buffer (the
 * block layer copies back what it had mapped when a later part fails):
 * not wrong, but counted, and the first one described
 */
static void failed_read_changed(const struct arena *a, uint64_t index, int e)
{
	size_t changed = arena_changed(a, 1), zero = 0, off;

	if (!changed)
		return;
	for (off = 0; off < a->size; off++)
		zero += a->mem[off] != a->shadow[off] && !a->mem[off];
	if (__atomic_add_fetch(&sh->failed_read_changed, 1, __ATOMIC_RELAXED) == 1)
		say("fuzz: note: index %" PRIu64 " failed (%s) but changed %zu bytes of its buffer, %zu of them to zero [%s]\n",
		    index, strerrorname_np(e), changed, zero, sh->slot[0].what);
}

/*
 * An SG_IO's arena once the call returned: a byte changed where the
 * device was to fill nothing (with @nothing_filled, anywhere) is
 * impossible; a failed read's changes are counted; then it is freed
 */
static void arena_done(struct arena *a, uint64_t index, int nothing_filled,
		       int rc, int e)
{
	size_t changed = arena_changed(a, nothing_filled);

	if (changed)
		impossible(index, "%zu bytes changed outside what the device was to fill",
			   changed);
	else if (rc < 0)
		failed_read_changed(a, index, e);
	arena_free(a);
}

static void do_sg(struct rng *r, uint64_t index, int iovec)
{
	static struct arena a;
	static size_t len[UIO_MAXIOV + 8];
	unsigned char cdb[256], sense[256];
	struct sg_io_hdr h;
	uint64_t dlen = xfer_len(r), ms;
	int n = 1, dir = dirs[below(r, 100) < 90 ? below(r, 4) : below(r, 10)];
	int rc, e, cmd_len;

	memset(&h, 0, sizeof(h));
	cmd_len = make_cdb(r, cdb, dlen);
	if (iovec) {
		n = make_iov_lens(r, len, dlen);
	} else {
		len[0] = dlen;
	}
	if (arena_make(&a, r, n, len, iovec || chance(r, 300), 1) < 0)
		return;
	h.interface_id = 'S';
	h.dxfer_direction = dir;
	h.cmd_len = (unsigned char)cmd_len;
	h.cmdp = cdb;
	h.mx_sb_len = (unsigned char)below(r, 256);
	h.sbp = sense;
	h.timeout = make_timeout(r);
	h.dxfer_len = (unsigned int)(iovec ? a.total : dlen);
	if (iovec && chance(r, 200))
		h.dxfer_len = (unsigned int)below(r, a.total + 4096);
	if (iovec) {
		h.iovec_count = (unsigned short)n;
		h.dxferp = a.iov;
	} else {
		h.dxferp = a.iov[0].iov_base;
	}
	if (chance(r, 20))
		h.dxferp = NULL;
	if (chance(r, 100)) {
		static const unsigned int flags[] = {
			SG_FLAG_DIRECT_IO, SG_FLAG_Q_AT_TAIL, SG_FLAG_Q_AT_HEAD,
			SG_FLAG_NO_DXFER, SG_FLAG_LUN_INHIBIT,
		};
		h.flags = flags[below(r, 5)];
	}
	snprintf(sh->slot[0].what, sizeof(sh->slot[0].what),
		 "sg%s op 0x%02x cmd_len %d dir %s(%d) dxfer_len %u iovecs %d timeout %u flags 0x%x",
		 iovec ? " iovec" : "", cdb[0], cmd_len, dir_name(dir), dir,
		 h.dxfer_len, iovec ? n : 0, h.timeout, h.flags);
	if (opt.verbose)
		say("fuzz: %" PRIu64 ": %s\n", index, sh->slot[0].what);
	call_begin(0, index, (h.timeout ? h.timeout : 60000) + opt.margin_ms);
	rc = ioctl(fd_sg, SG_IO, &h);
	e = errno;
	ms = call_end(0);
	if (opt.verbose)
		say("fuzz: %" PRIu64 ": rc %d %s, host 0x%x driver 0x%x status 0x%x resid %d sense %u, %" PRIu64 " ms\n",
		    index, rc, rc ? strerrorname_np(e) : "", h.host_status,
		    h.driver_status, h.status, h.resid, h.sb_len_wr, ms);
	note_result(rc, e);
	if (ms > sh->slot[0].bound_ms)
		impossible(index, "took %" PRIu64 " ms", ms);
	if (rc == 0) {
		__atomic_add_fetch(&sh->host_status[h.host_status & 255], 1,
				   __ATOMIC_RELAXED);
		__atomic_add_fetch(&sh->driver_status[h.driver_status & 255], 1,
				   __ATOMIC_RELAXED);
		__atomic_add_fetch(&sh->masked_status[h.masked_status & 255], 1,
				   __ATOMIC_RELAXED);
		if (h.resid < 0 || (unsigned int)h.resid > h.dxfer_len)
			impossible(index, "resid %d of dxfer_len %u", h.resid,
				   h.dxfer_len);
		if (h.sb_len_wr > h.mx_sb_len)
			impossible(index, "sb_len_wr %u of mx_sb_len %u",
				   h.sb_len_wr, h.mx_sb_len);
		if (h.masked_status != ((h.status >> 1) & 0x7f))
			impossible(index, "status 0x%x, masked_status 0x%x",
				   h.status, h.masked_status);
		if (h.duration > ms + 2000)
			impossible(index, "duration %u ms of a call of %" PRIu64 " ms",
				   h.duration, ms);
	}
	/* sg writes into the elements only when it reads from the device */
	arena_done(&a, index, dir == SG_DXFER_TO_DEV || dir == SG_DXFER_NONE,
		   rc, e);
}

static void do_bsg(struct rng *r, uint64_t index)
{
	static struct arena a;
	unsigned char cdb[256], sense[256];
	struct sg_io_v4 h;
	uint64_t dlen = xfer_len(r), ms;
	size_t len[2];
	int rc, e, request_len, way = (int)below(r, 4);	/* none, out, in, both */

	memset(&h, 0, sizeof(h));
	request_len = make_cdb(r, cdb, dlen);
	len[0] = dlen;
	len[1] = way == 3 ? xfer_len(r) : 0;
	if (arena_make(&a, r, 2, len, chance(r, 300), 1) < 0)
		return;
	h.guard = 'Q';
	if (chance(r, 30)) {
		h.protocol = (unsigned int)below(r, 3);
		h.subprotocol = (unsigned int)below(r, 3);
	}
	h.request_len = (unsigned int)request_len;
	h.request = (uintptr_t)cdb;
	h.max_response_len = (unsigned int)below(r, 257);
	h.response = (uintptr_t)sense;
	h.timeout = make_timeout(r);
	if (way == 1 || way == 3) {
		h.dout_xferp = (uintptr_t)a.iov[0].iov_base;
		h.dout_xfer_len = (unsigned int)dlen;
	}
	if (way == 2) {
		h.din_xferp = (uintptr_t)a.iov[0].iov_base;
		h.din_xfer_len = (unsigned int)dlen;
	}
	if (way == 3) {
		h.din_xferp = (uintptr_t)a.iov[1].iov_base;
		h.din_xfer_len = (unsigned int)len[1];
	}
	if (chance(r, 20))
		h.dout_iovec_count = 1 + (unsigned int)below(r, 4);
	if (chance(r, 20))
		h.din_iovec_count = 1 + (unsigned int)below(r, 4);
	if (chance(r, 30))
		h.flags = (unsigned int)next(r);
	snprintf(sh->slot[0].what, sizeof(sh->slot[0].what),
		 "bsg op 0x%02x request_len %d protocol %u/%u dout %u din %u iovecs %u/%u timeout %u flags 0x%x",
		 cdb[0], request_len, h.protocol, h.subprotocol, h.dout_xfer_len,
		 h.din_xfer_len, h.dout_iovec_count, h.din_iovec_count, h.timeout,
		 h.flags);
	if (opt.verbose)
		say("fuzz: %" PRIu64 ": %s\n", index, sh->slot[0].what);
	call_begin(0, index, (h.timeout ? h.timeout : 60000) + opt.margin_ms);
	rc = ioctl(fd_bsg, SG_IO, &h);
	e = errno;
	ms = call_end(0);
	if (opt.verbose)
		say("fuzz: %" PRIu64 ": rc %d %s, transport 0x%x driver 0x%x status 0x%x resid %d/%d response %u, %" PRIu64 " ms\n",
		    index, rc, rc ? strerrorname_np(e) : "", h.transport_status,
		    h.driver_status, h.device_status, h.dout_resid, h.din_resid,
		    h.response_len, ms);
	note_result(rc, e);
	if (ms > sh->slot[0].bound_ms)
		impossible(index, "took %" PRIu64 " ms", ms);
	if (rc == 0) {
		__atomic_add_fetch(&sh->host_status[h.transport_status & 255], 1,
				   __ATOMIC_RELAXED);
		__atomic_add_fetch(&sh->driver_status[h.driver_status & 255], 1,
				   __ATOMIC_RELAXED);
		__atomic_add_fetch(&sh->masked_status[(h.device_status >> 1) & 127],
				   1, __ATOMIC_RELAXED);
		if (h.din_resid < 0 || (unsigned int)h.din_resid > h.din_xfer_len)
			impossible(index, "din_resid %d of %u", h.din_resid,
				   h.din_xfer_len);
		if (h.dout_resid < 0 || (unsigned int)h.dout_resid > h.dout_xfer_len)
			impossible(index, "dout_resid %d of %u", h.dout_resid,
				   h.dout_xfer_len);
		if (h.response_len > h.max_response_len)
			impossible(index, "response_len %u of %u", h.response_len,
				   h.max_response_len);
	}
	/* the device fills only what it was to send in */
	arena_done(&a, index, !h.din_xfer_len, rc, e);
}

static void do_direct(struct rng *r, uint64_t index)
{
	static struct arena a;
	static size_t len[UIO_MAXIOV + 8];
	uint64_t blocks = opt.disk_bytes / opt.lbs, ms, off;
	int write = chance(r, 400), aligned = chance(r, 750), n, i;
	unsigned int lbs = opt.lbs;
	ssize_t rc;
	int e;
	size_t changed;

	if (chance(r, 700)) {
		n = 1 + (int)below(r, 4);
		if (chance(r, 50))
			n = 1 + (int)below(r, UIO_MAXIOV + 1);
		for (i = 0; i < n; i++) {
			uint64_t each = xfer_len(r) / n;

			len[i] = (each + lbs - 1) / lbs * lbs;
			if (!len[i])
				len[i] = lbs;
		}
		/* the block layer's limit on one call, well above the host's */
		while (n > 1 && len[0] * n > 8 * opt.max_bytes)
			n--;
	} else {
		n = make_iov_lens(r, len, xfer_len(r));
	}
	if (aligned) {
		if (arena_make(&a, r, n, len, 0, 4096) < 0)
			return;
		off = below(r, blocks) * lbs;
	} else {
		if (arena_make(&a, r, n, len, chance(r, 500), 1 + below(r, 2) * 511) < 0)
			return;
		off = below(r, opt.disk_bytes) | below(r, 2);
	}
	if (chance(r, 20))
		off = opt.disk_bytes - below(r, 8) * lbs;	/* at and near the end */
	snprintf(sh->slot[0].what, sizeof(sh->slot[0].what),
		 "O_DIRECT %s offset %" PRIu64 " bytes %" PRIu64 " iovecs %d %s",
		 write ? "pwritev" : "preadv", off, a.total, n,
		 aligned ? "aligned" : "misaligned");
	if (opt.verbose)
		say("fuzz: %" PRIu64 ": %s\n", index, sh->slot[0].what);
	call_begin(0, index, opt.sd_timeout_s * 1000ULL * 6 + opt.margin_ms);
	if (write)
		rc = pwritev(fd_sd, a.iov, n, (off_t)off);
	else
		rc = preadv(fd_sd, a.iov, n, (off_t)off);
	e = errno;
	ms = call_end(0);
	if (opt.verbose)
		say("fuzz: %" PRIu64 ": rc %zd %s, %" PRIu64 " ms\n", index, rc,
		    rc < 0 ? strerrorname_np(e) : "", ms);
	note_result(rc < 0 ? -1 : 0, e);
	if (ms > sh->slot[0].bound_ms)
		impossible(index, "took %" PRIu64 " ms", ms);
	if (rc > 0 && (uint64_t)rc > a.total)
		impossible(index, "%zd bytes of %" PRIu64, rc, a.total);
	changed = arena_changed(&a, write);
	if (changed)
		impossible(index, "%zu bytes changed outside what was to be read",
			   changed);
	arena_free(&a);
}

static const int resets[] = {
	SG_SCSI_RESET_DEVICE, SG_SCSI_RESET_TARGET, SG_SCSI_RESET_BUS,
	SG_SCSI_RESET_HOST, SG_SCSI_RESET_NOTHING,
	SG_SCSI_RESET_DEVICE | SG_SCSI_RESET_NO_ESCALATE,
	SG_SCSI_RESET_HOST | SG_SCSI_RESET_NO_ESCALATE, 5, -1,
};

static void do_reset(struct rng *r, uint64_t index, int s)
{
	int what = resets[below(r, 9)], fd = chance(r, 500) ? fd_sg : fd_sd, rc;
	uint64_t ms;

	if (s == 0) {
		snprintf(sh->slot[0].what, sizeof(sh->slot[0].what),
			 "SG_SCSI_RESET %d on the %s node", what,
			 fd == fd_sg ? "sg" : "sd");
		if (opt.verbose)
			say("fuzz: %" PRIu64 ": %s\n", index, sh->slot[0].what);
	}
	call_begin(s, index, 120000 + opt.margin_ms);
	rc = ioctl(fd, SG_SCSI_RESET, &what);
	if (s == 0)
		note_result(rc, errno);
	ms = call_end(s);
	if (ms > sh->slot[s].bound_ms)
		impossible(index, "a reset took %" PRIu64 " ms", ms);
}

static void commands(void)
{
	uint64_t i, t0 = now_ns();

	sh->slot[0].pid = getpid();
	for (i = opt.from; i < opt.from + opt.count; i++) {
		struct rng r = rng_for(0, i);
		uint64_t p = below(&r, 10000);
		enum iface f;

		if (p < 5)
			f = IF_RESET;
		else if (p < 4000)
			f = IF_SG;
		else if (p < 6000)
			f = IF_SGIOV;
		else if (p < 8000)
			f = fd_bsg >= 0 ? IF_BSG : IF_SG;
		else
			f = IF_DIRECT;
		switch (f) {
		case IF_SG: do_sg(&r, i, 0); break;
		case IF_SGIOV: do_sg(&r, i, 1); break;
		case IF_BSG: do_bsg(&r, i); break;
		case IF_DIRECT: do_direct(&r, i); break;
		default: do_reset(&r, i, 0); break;
		}
		sh->per_iface[f]++;
		sh->commands++;
		if ((i + 1 - opt.from) % 1000 == 0)
			say("fuzz: %" PRIu64 " commands, %" PRIu64 " s\n",
			    i + 1 - opt.from, (now_ns() - t0) / 1000000000ULL);
	}
}

/* the second process: opens and closes, sg's own write() and read(),
 * resets; drawn from the same seed, step by step */
static void interleave(void)
{
	static unsigned char buf[65536];
	const char *nodes[3] = { opt.sg, opt.sd, opt.bsg };
	uint64_t j;

	sh->slot[1].pid = getpid();
	for (j = 0; !sh->done; j++) {
		struct rng r = rng_for(1, j);
		const char *node = nodes[below(&r, opt.bsg ? 3 : 2)];
		int flags = chance(&r, 500) ? O_RDWR : O_RDONLY, fd;

		sh->il_steps++;
		usleep(2000 + (useconds_t)below(&r, 40000));
		if (chance(&r, 100))
			flags |= O_NONBLOCK | (chance(&r, 500) ? O_EXCL : 0);
		if (node == opt.sd && chance(&r, 500))
			flags |= O_DIRECT;
		call_begin(1, j, 30000 + opt.margin_ms);
		fd = open(node, flags);
		call_end(1);
		if (fd < 0)
			continue;
		sh->il_opens++;
		if (node == opt.sg && (flags & O_RDWR) && chance(&r, 400)) {
			unsigned char cdb[16] = { 0 };
			unsigned char sense[32];
			struct sg_io_hdr h;
			unsigned int blocks = 1 + (unsigned int)below(&r, 64);

			memset(&h, 0, sizeof(h));
			h.interface_id = 'S';
			h.cmdp = cdb;
			h.sbp = sense;
			h.mx_sb_len = sizeof(sense);
			h.timeout = 20000;
			if (chance(&r, 300)) {
				h.cmd_len = 6;	/* TEST UNIT READY */
				h.dxfer_direction = SG_DXFER_NONE;
			} else {
				cdb[0] = 0x28;	/* READ(10) */
				put_be(cdb + 2, 4, below(&r, opt.disk_bytes / 512 - 64));
				put_be(cdb + 7, 2, blocks);
				h.cmd_len = 10;
				h.dxfer_direction = SG_DXFER_FROM_DEV;
				h.dxferp = buf;
				h.dxfer_len = blocks * 512;
			}
			call_begin(1, j, 30000 + opt.margin_ms);
			if (write(fd, &h, sizeof(h)) == (ssize_t)sizeof(h)) {
				sh->il_async++;
				if (chance(&r, 500)) {
					sh->il_orphans++;
				} else {
					struct pollfd p = { .fd = fd, .events = POLLIN };

					if (poll(&p, 1, 60000) > 0 &&
					    read(fd, &h, sizeof(h)) == (ssize_t)sizeof(h) &&
					    (h.resid < 0 || (unsigned int)h.resid > h.dxfer_len))
						impossible(j, "interleaved read: resid %d of %u",
							   h.resid, h.dxfer_len);
				}
			}
			call_end(1);
		} else if (chance(&r, 2)) {
			sh->il_resets++;
			do_reset(&r, j, 1);
		} else if (chance(&r, 300)) {
			int v = 0;
			unsigned long long size = 0;

			call_begin(1, j, 30000 + opt.margin_ms);
			if (node == opt.sd)
				ioctl(fd, BLKGETSIZE64, &size);
			else if (node == opt.sg && chance(&r, 500)) {
				v = (int)below(&r, 1 << 20);
				ioctl(fd, SG_SET_RESERVED_SIZE, &v);
			} else {
				ioctl(fd, SG_GET_VERSION_NUM, &v);
			}
			call_end(1);
		}
		if (chance(&r, 200))
			usleep((useconds_t)below(&r, 100000));	/* hold it open */
		call_begin(1, j, 30000 + opt.margin_ms);
		close(fd);
		call_end(1);
	}
}

/* --- the parent: watch both, and the kernel's log */
static int kernel_report(const char *line)
{
	static const char *const pat[] = {
		"WARNING", "BUG", "Oops", "Kernel panic", "Call Trace",
		"INFO: task", "possible circular locking", "inconsistent lock state",
	};
	size_t i;

	for (i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
		if (strstr(line, pat[i]))
			return 1;
	return 0;
}

static void hung(int s)
{
	char path[64], line[512];
	FILE *f;

	printf("fuzz: HUNG at index %" PRIu64 " (seed %" PRIu64 ", %s): %s, running %" PRIu64 " ms, bound %" PRIu64 " ms\n",
	       sh->slot[s].index, opt.seed, s ? "interleaver step" : "command",
	       s ? "(open, close, reset or sg write/read)" : sh->slot[0].what,
	       (now_ns() - sh->slot[s].start_ns) / 1000000, sh->slot[s].bound_ms);
	snprintf(path, sizeof(path), "/proc/%d/stack", (int)sh->slot[s].pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		printf("fuzz:   %s", line);
	if (f)
		fclose(f);
	fflush(stdout);
}

static int watch(pid_t kids[2], int nkids)
{
	int kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK), st, alive = nkids;
	int status = 0, reported = 0, i, s;
	char rec[1024];

	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	while (alive) {
		usleep(100000);
		while (kmsg >= 0) {
			ssize_t n = read(kmsg, rec, sizeof(rec) - 1);
			char *msg;

			if (n < 0 && errno == EPIPE)
				continue;
			if (n <= 0)
				break;
			rec[n] = 0;
			msg = strchr(rec, ';');
			if (msg && kernel_report(msg) && reported++ < 5)
				say("fuzz: kernel report near command %" PRIu64 " (%s, seed %" PRIu64 "): %s",
				    sh->slot[0].index, sh->slot[0].what, opt.seed,
				    msg + 1);
		}
		for (s = 0; s < nkids; s++) {
			if (!sh->slot[s].in_call)
				continue;
			if ((now_ns() - sh->slot[s].start_ns) / 1000000 >
			    sh->slot[s].bound_ms) {
				hung(s);
				for (i = 0; i < nkids; i++)
					kill(kids[i], SIGKILL);
				return 2;
			}
		}
		for (i = 0; i < nkids; i++) {
			if (kids[i] > 0 && waitpid(kids[i], &st, WNOHANG) == kids[i]) {
				if (!WIFEXITED(st) || WEXITSTATUS(st))
					status = 1;
				kids[i] = 0;
				alive--;
				if (i == 0)
					sh->done = 1;
			}
		}
	}
	return status;
}

static void report(uint64_t secs)
{
	int i;

	say("STAT fuzz_commands %" PRIu64 "\n", sh->commands);
	say("STAT fuzz_max_ms %" PRIu64 "\n", sh->max_ms);
	say("STAT fuzz_impossible %" PRIu64 "\n", sh->impossible);
	for (i = 0; i < IFACES; i++)
		say("STAT fuzz_%s %" PRIu64 "\n", iface_name[i], sh->per_iface[i]);
	say("STAT fuzz_short_timeouts %" PRIu64 "\n", sh->short_timeouts);
	say("STAT fuzz_failed_reads_changed %" PRIu64 "\n", sh->failed_read_changed);
	say("STAT fuzz_interleaved_opens %" PRIu64 "\n", sh->il_opens);
	say("STAT fuzz_interleaved_resets %" PRIu64 "\n", sh->il_resets);
	say("fuzz: %" PRIu64 " commands in %" PRIu64 " s, the longest %" PRIu64 " ms (index %" PRIu64 "), %" PRIu64 " completed\n",
	    sh->commands, secs, sh->max_ms, sh->max_index, sh->ok);
	for (i = 0; i < ERRNOS; i++)
		if (sh->errnos[i])
			say("fuzz: errno %s: %" PRIu64 "\n",
			    i ? strerrorname_np(i) : "other", sh->errnos[i]);
	for (i = 0; i < 256; i++) {
		if (sh->host_status[i])
			say("fuzz: host_status 0x%02x: %" PRIu64 "\n", i, sh->host_status[i]);
		if (sh->driver_status[i])
			say("fuzz: driver_status 0x%02x: %" PRIu64 "\n", i, sh->driver_status[i]);
		if (sh->masked_status[i])
			say("fuzz: masked_status 0x%02x: %" PRIu64 "\n", i, sh->masked_status[i]);
	}
	say("fuzz: interleaver: %" PRIu64 " steps, %" PRIu64 " opens, %" PRIu64 " sg write()s (%" PRIu64 " orphaned), %" PRIu64 " resets\n",
	    sh->il_steps, sh->il_opens, sh->il_async, sh->il_orphans, sh->il_resets);
}

static uint64_t sysfs_number(const char *sd, const char *attr)
{
	char path[256];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/block/%s/%s", strrchr(sd, '/') + 1, attr);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llu", &v) != 1) {
		fprintf(stderr, "subdma-fuzz: cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	return v;
}

static void usage(void)
{
	fprintf(stderr, "usage: subdma-fuzz --sg SG --sd SD [--bsg BSG] [--seed S] [--from I] [--count N]\n"
		"       [--margin-ms MS] [--short-permille P] [--no-interleave] [--verbose]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	pid_t kids[2];
	uint64_t t0, bytes = 0;
	int i, nkids, status;

	opt.seed = mix(now_ns() ^ (uint64_t)getpid());
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--no-interleave")) {
			opt.interleave = 0;
			continue;
		}
		if (!strcmp(a, "--verbose")) {
			opt.verbose = 1;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--sg"))
			opt.sg = v;
		else if (!strcmp(a, "--sd"))
			opt.sd = v;
		else if (!strcmp(a, "--bsg"))
			opt.bsg = *v ? v : NULL;
		else if (!strcmp(a, "--seed"))
			opt.seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--from"))
			opt.from = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--count"))
			opt.count = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--margin-ms"))
			opt.margin_ms = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--short-permille"))
			opt.short_permille = strtoull(v, NULL, 0);
		else
			usage();
	}
	if (!opt.sg || !opt.sd || !strrchr(opt.sd, '/'))
		usage();
	opt.max_bytes = sysfs_number(opt.sd, "queue/max_hw_sectors_kb") * 1024;
	opt.lbs = (unsigned int)sysfs_number(opt.sd, "queue/logical_block_size");
	opt.sd_timeout_s = (unsigned int)sysfs_number(opt.sd, "device/timeout");
	fd_sg = open(opt.sg, O_RDWR);
	fd_sd = open(opt.sd, O_RDWR | O_DIRECT);
	if (opt.bsg)
		fd_bsg = open(opt.bsg, O_RDWR);
	if (fd_sg < 0 || fd_sd < 0 || (opt.bsg && fd_bsg < 0) ||
	    ioctl(fd_sd, BLKGETSIZE64, &bytes) < 0 || !bytes) {
		perror("subdma-fuzz: opening the scratch disk's nodes");
		return 2;
	}
	opt.disk_bytes = bytes;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("subdma-fuzz: mmap");
		return 2;
	}
	memset(sh, 0, sizeof(*sh));
	say("fuzz: seed %" PRIu64 " from %" PRIu64 " count %" PRIu64 ": %s %s %s, %" PRIu64 " bytes, blocks of %u, host limit %" PRIu64 " KiB\n",
	    opt.seed, opt.from, opt.count, opt.sg, opt.sd, opt.bsg ? opt.bsg : "(no bsg)",
	    opt.disk_bytes, opt.lbs, opt.max_bytes / 1024);
	t0 = now_ns();
	nkids = opt.interleave ? 2 : 1;
	for (i = 0; i < nkids; i++) {
		kids[i] = fork();
		if (kids[i] < 0) {
			perror("subdma-fuzz: fork");
			return 2;
		}
		if (kids[i] == 0) {
			if (i == 0)
				commands();
			else
				interleave();
			_exit(sh->impossible ? 1 : 0);
		}
	}
	status = watch(kids, nkids);
	report((now_ns() - t0) / 1000000000ULL);
	if (sh->impossible)
		status = status ? status : 1;
	say("fuzz: %s\n", status ? "FAILED" : "done");
	return status;
}
