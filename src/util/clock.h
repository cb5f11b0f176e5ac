/* Monotonic milliseconds, for deadlines that wall-clock changes cannot move. */
#ifndef FTPS_CLOCK_H
#define FTPS_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
