// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lowmem-io: O_DIRECT on a block device from buffers below 16 MiB
 * (/dev/subdma_lowmem), for the end-to-end suite's in-place path and the
 * benchmark.
 *   lowmem-io write|read|check DEVICE OFFSET BYTES CHUNK [scattered]
 * write puts a pattern at OFFSET, read reads it back and compares, check
 * does both.  CHUNK bytes a system call, each one command; the buffers
 * contiguous in 128 KiB blocks, or with "scattered" in pages no two of
 * which are adjacent.  Prints the seconds each direction took; exit
 * status 0 when the data came back whole.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static void *lowmem(int fd, size_t len, int scattered)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       scattered ? sysconf(_SC_PAGESIZE) : 0);

	if (p == MAP_FAILED) {
		perror("mmap /dev/subdma_lowmem");
		exit(2);
	}
	return p;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned char pattern(size_t i, off_t offset)
{
	return (unsigned char)(i * 31 + (i >> 9) + offset);
}

int main(int argc, char **argv)
{
	int dev, low, scattered, writing, reading;
	unsigned char *buf;
	size_t len, chunk, i;
	off_t offset;
	double start;

	scattered = argc == 7 && !strcmp(argv[6], "scattered");
	writing = argc >= 2 && (!strcmp(argv[1], "write") ||
				!strcmp(argv[1], "check"));
	reading = argc >= 2 && (!strcmp(argv[1], "read") ||
				!strcmp(argv[1], "check"));
	if ((argc != 6 && !scattered) || (!writing && !reading)) {
		fprintf(stderr, "usage: %s write|read|check DEVICE OFFSET BYTES CHUNK %s\n",
			argv[0], "[scattered]");
		return 2;
	}
	offset = strtoll(argv[3], NULL, 0);
	len = strtoul(argv[4], NULL, 0);
	chunk = strtoul(argv[5], NULL, 0);
	if (!len || !chunk || len % chunk) {
		fprintf(stderr, "BYTES must be a multiple of CHUNK\n");
		return 2;
	}
	dev = open(argv[2], O_RDWR | O_DIRECT);
	low = open("/dev/subdma_lowmem", O_RDWR);
	if (dev < 0 || low < 0) {
		perror("open");
		return 2;
	}
	buf = lowmem(low, len, scattered);
	if (writing) {
		for (i = 0; i < len; i++)
			buf[i] = pattern(i, offset);
		start = now();
		for (i = 0; i < len; i += chunk) {
			if (pwrite(dev, buf + i, chunk, offset + i) !=
			    (ssize_t)chunk) {
				perror("pwrite");
				return 1;
			}
		}
		printf("lowmem-io: %zu bytes written in %.6f s\n", len,
		       now() - start);
	}
	if (reading) {
		memset(buf, 0, len);
		start = now();
		for (i = 0; i < len; i += chunk) {
			if (pread(dev, buf + i, chunk, offset + i) !=
			    (ssize_t)chunk) {
				perror("pread");
				return 1;
			}
		}
		printf("lowmem-io: %zu bytes read in %.6f s\n", len,
		       now() - start);
		for (i = 0; i < len; i++) {
			if (buf[i] != pattern(i, offset)) {
				fprintf(stderr, "the data read back differs at byte %zu\n",
					i);
				return 1;
			}
		}
	}
	return 0;
}
