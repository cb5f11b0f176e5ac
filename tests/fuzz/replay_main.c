/* Without libFuzzer (gcc builds), a fuzz target becomes a program that runs
 * LLVMFuzzerTestOneInput once on every file named on the command line or
 * found in a directory named there: meson test replays the seed corpus and
 * every input that once crashed, under sanitizers when the build has them.
 * Each input gets a buffer of exactly its size, so that an over-read is an
 * ASan error rather than a silent read of slack bytes. */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	if (!f || fstat(fileno(f), &st) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	size_t n = (size_t)st.st_size;
	uint8_t *data = malloc(n ? n : 1);
	if (!data || fread(data, 1, n, f) != n) {
		fprintf(stderr, "%s: read failed\n", path);
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

/* Returns the number of inputs run, or -1 on an unreadable file. */
static int run_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path) < 0 ? -1 : 1;

	DIR *d = opendir(path);
	struct dirent *de;
	int count = 0;

	if (!d) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char *p = xasprintf("%s/%s", path, de->d_name);
		int rc = run_path(p);
		free(p);
		if (rc < 0) {
			closedir(d);
			return -1;
		}
		count += rc;
	}
	closedir(d);
	return count;
}

int main(int argc, char **argv)
{
	int total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		int rc = run_path(argv[i]);
		if (rc < 0)
			return 1;
		total += rc;
	}
	printf("%s: %d inputs replayed\n", argv[0], total);
	/* An empty corpus would make this test pass without testing anything. */
	return total > 0 ? 0 : 1;
}
