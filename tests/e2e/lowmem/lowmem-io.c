// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lowmem-io: write a pattern to a block device with O_DIRECT from a
 * buffer below 16 MiB (/dev/subdma_lowmem), read it back into another,
 * and compare; for the end-to-end suite's in-place path.
 *   lowmem-io DEVICE OFFSET BYTES CHUNK
 * CHUNK bytes a system call, each one command; exit status 0 when the
 * data came back whole.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void *lowmem(int fd, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED) {
		perror("mmap /dev/subdma_lowmem");
		exit(2);
	}
	return p;
}

int main(int argc, char **argv)
{
	unsigned char *out, *in;
	size_t len, chunk, i;
	off_t offset;
	int dev, low;

	if (argc != 5) {
		fprintf(stderr, "usage: %s DEVICE OFFSET BYTES CHUNK\n", argv[0]);
		return 2;
	}
	offset = strtoll(argv[2], NULL, 0);
	len = strtoul(argv[3], NULL, 0);
	chunk = strtoul(argv[4], NULL, 0);
	if (!len || !chunk || len % chunk) {
		fprintf(stderr, "BYTES must be a multiple of CHUNK\n");
		return 2;
	}
	dev = open(argv[1], O_RDWR | O_DIRECT);
	low = open("/dev/subdma_lowmem", O_RDWR);
	if (dev < 0 || low < 0) {
		perror("open");
		return 2;
	}
	out = lowmem(low, len);
	in = lowmem(low, len);
	for (i = 0; i < len; i++)
		out[i] = (unsigned char)(i * 31 + (i >> 9) + offset);
	for (i = 0; i < len; i += chunk) {
		if (pwrite(dev, out + i, chunk, offset + i) != (ssize_t)chunk) {
			perror("pwrite");
			return 1;
		}
	}
	for (i = 0; i < len; i += chunk) {
		if (pread(dev, in + i, chunk, offset + i) != (ssize_t)chunk) {
			perror("pread");
			return 1;
		}
	}
	if (memcmp(out, in, len)) {
		fprintf(stderr, "the data read back differs\n");
		return 1;
	}
	return 0;
}
