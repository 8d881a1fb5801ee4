/* pgp.c -- OpenPGP keys, signatures and verification through stock gpg and gpgv. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "exec.h"
#include "fileio.h"
#include "pgp.h"
#include "xalloc.h"

struct fr_pgp_signer {
	char *home;
	char fpr[41];
	long long created;
};

/*
 * The GnuPG homes alive now (a signer's holds a secret key), in fixed storage, so that
 * fr_pgp_remove_homes can run in a signal handler: fork, exec and waitpid only.
 */
#define MAX_HOMES 8
#define HOME_LEN 96
static char live_homes[MAX_HOMES][HOME_LEN];

static char *mkhome(struct fr_err *err)
{
	const char *tmp = getenv("TMPDIR");
	char *h = fr_xasprintf("%s/farrow-gpg.XXXXXX", tmp && *tmp && strlen(tmp) < 60 ? tmp : "/tmp");
	int i;

	/* mkdtemp makes it 0700: private to this user from the start */
	if (mkdtemp(h) == NULL) {
		fr_err_set(err, FR_EIO, "cannot make a temporary GnuPG home: %s", strerror(errno));
		free(h);
		return NULL;
	}
	for (i = 0; i < MAX_HOMES; i++)
		if (live_homes[i][0] == '\0') {
			snprintf(live_homes[i], HOME_LEN, "%s", h);
			break;
		}
	return h;
}

static void forget_home(const char *h)
{
	int i;

	for (i = 0; i < MAX_HOMES; i++)
		if (strcmp(live_homes[i], h) == 0)
			live_homes[i][0] = '\0';
}

static void rmhome(char *h)
{
	const char *kill[] = { "gpgconf", "--homedir", h, "--kill", "all", NULL };
	int st;

	if (h == NULL)
		return;
	fr_exec(kill, NULL, NULL, 0, NULL, NULL, &st, NULL);
	fr_rm_rf(h);
	forget_home(h);
	free(h);
}

/* Run argv and wait for it: async-signal-safe. */
static void spawn_wait(const char *const *argv)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

void fr_pgp_remove_homes(void)
{
	int i, saved = errno;

	for (i = 0; i < MAX_HOMES; i++) {
		if (live_homes[i][0] == '\0')
			continue;
		{
			const char *kill[] = { "gpgconf", "--homedir", live_homes[i], "--kill", "all", NULL };
			const char *rm[] = { "rm", "-rf", "--", live_homes[i], NULL };

			struct timespec pause = { 0, 50 * 1000 * 1000 };
			int tries;

			/* an agent stopped in the middle of storing the key may still write it: until it is gone */
			for (tries = 0; tries < 40 && access(live_homes[i], F_OK) == 0; tries++) {
				if (tries)
					nanosleep(&pause, NULL);
				spawn_wait(kill);
				spawn_wait(rm);
			}
		}
		live_homes[i][0] = '\0';
	}
	errno = saved;
}

/* The last line of gpg's stderr that says what went wrong, for messages. */
static const char *why(struct fr_buf *e)
{
	char *p, *best = NULL;

	for (p = e->buf; p && *p;) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		if (strncmp(p, "[GNUPG:]", 8) != 0 && *p)
			best = p;
		p = nl ? nl + 1 : NULL;
	}
	return best ? best : "no reason given";
}

static int gpg(const char *home, const char *const *args, const void *in, size_t inlen, struct fr_buf *out,
	       struct fr_err *err)
{
	const char *argv[32];
	struct fr_buf e = FR_BUF_INIT;
	size_t n = 0, i;
	int st = 0, r;

	argv[n++] = "gpg";
	argv[n++] = "--batch";
	argv[n++] = "--no-tty";
	argv[n++] = "--homedir";
	argv[n++] = home;
	for (i = 0; args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if ((r = fr_exec(argv, NULL, in, inlen, out, &e, &st, err)) < 0) {
		fr_buf_release(&e);
		return r;
	}
	if (st != 0) {
		r = fr_err_set(err, FR_ECRYPTO, "gpg %s failed: %s", args[0], why(&e));
		fr_buf_release(&e);
		return r;
	}
	fr_buf_release(&e);
	return 0;
}

/* Fingerprint and creation time of the first (secret or public) key in home. */
static int first_key(const char *home, int secret, char fpr[41], long long *created, struct fr_err *err)
{
	const char *args[] = { "--with-colons", "--fixed-list-mode", secret ? "--list-secret-keys" : "--list-keys",
			       NULL };
	struct fr_buf out = FR_BUF_INIT;
	char *p;
	int r, seen_key = 0;

	if ((r = gpg(home, args, NULL, 0, &out, err)) < 0)
		return r;
	fpr[0] = '\0';
	for (p = out.buf; p && *p;) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		if (!seen_key && (strncmp(p, "sec:", 4) == 0 || strncmp(p, "pub:", 4) == 0)) {
			/* field 6 is the creation time */
			char *f = p;
			int i;

			for (i = 0; i < 5 && f; i++)
				f = strchr(f, ':') ? strchr(f, ':') + 1 : NULL;
			if (f && created)
				*created = strtoll(f, NULL, 10);
			seen_key = 1;
		} else if (seen_key && strncmp(p, "fpr:", 4) == 0 && !fpr[0]) {
			char *f = p + 4;

			while (*f == ':')
				f++;
			snprintf(fpr, 41, "%.40s", f);
		}
		p = nl ? nl + 1 : NULL;
	}
	fr_buf_release(&out);
	if (!fpr[0])
		return fr_err_set(err, FR_ECRYPTO, "no %s key found", secret ? "secret" : "public");
	return 0;
}

int fr_pgp_keygen(const char *dir, const char *uid, struct fr_err *err)
{
	char *home = NULL, *sec = fr_xasprintf("%s/farrow-signing.key", dir),
	     *pub = fr_xasprintf("%s/farrow-signing.gpg", dir), *asc = fr_xasprintf("%s/farrow-signing.asc", dir);
	struct fr_buf ks = FR_BUF_INIT, kp = FR_BUF_INIT, ka = FR_BUF_INIT;
	const char *gen[] = { "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", uid,
			      "rsa4096", "sign", "never", NULL };
	const char *xs[] = { "--armor", "--export-secret-keys", NULL };
	const char *xp[] = { "--export", NULL };
	const char *xa[] = { "--armor", "--export", NULL };
	int r;

	if (access(sec, F_OK) == 0) {
		r = fr_err_set(err, FR_EIO, "'%s' exists: refusing to overwrite a signing key", sec);
		goto out;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		r = fr_err_set(err, FR_EIO, "cannot create '%s': %s", dir, strerror(errno));
		goto out;
	}
	if ((home = mkhome(err)) == NULL) {
		r = FR_EIO;
		goto out;
	}
	if ((r = gpg(home, gen, NULL, 0, NULL, err)) < 0 || (r = gpg(home, xs, NULL, 0, &ks, err)) < 0 ||
	    (r = gpg(home, xp, NULL, 0, &kp, err)) < 0 || (r = gpg(home, xa, NULL, 0, &ka, err)) < 0)
		goto out;
	if ((r = fr_write_atomic(pub, kp.buf, kp.len, 0644, 0, err)) < 0 ||
	    (r = fr_write_atomic(asc, ka.buf, ka.len, 0644, 0, err)) < 0 ||
	    (r = fr_write_atomic(sec, ks.buf, ks.len, 0600, 0, err)) < 0)
		goto out;
out:
	fr_buf_wipe(&ks);
	fr_buf_release(&kp);
	fr_buf_release(&ka);
	rmhome(home);
	free(sec);
	free(pub);
	free(asc);
	return r;
}

struct fr_pgp_signer *fr_pgp_signer_open(const char *keyfile, struct fr_err *err)
{
	struct fr_pgp_signer *s = fr_xcalloc(1, sizeof(*s));
	const char *imp[] = { "--import", keyfile, NULL };
	struct stat st;

	if (stat(keyfile, &st) < 0) {
		fr_err_set(err, FR_EIO, "cannot read signing key '%s': %s", keyfile, strerror(errno));
		goto fail;
	}
	if (st.st_mode & 0077) {
		fr_err_set(err, FR_ECRYPTO, "signing key '%s' is readable by others (mode %03o): chmod 600 it",
			   keyfile, (unsigned)(st.st_mode & 0777));
		goto fail;
	}
	if ((s->home = mkhome(err)) == NULL)
		goto fail;
	if (gpg(s->home, imp, NULL, 0, NULL, err) < 0 || first_key(s->home, 1, s->fpr, &s->created, err) < 0)
		goto fail;
	return s;
fail:
	fr_pgp_signer_close(s);
	return NULL;
}

void fr_pgp_signer_close(struct fr_pgp_signer *s)
{
	if (s == NULL)
		return;
	rmhome(s->home);
	free(s);
}

int fr_pgp_signer_export(struct fr_pgp_signer *s, int armor, struct fr_buf *out, struct fr_err *err)
{
	const char *a[] = { "--armor", "--export", s->fpr, NULL }, *b[] = { "--export", s->fpr, NULL };

	return gpg(s->home, armor ? a : b, NULL, 0, out, err);
}

const char *fr_pgp_signer_fpr(const struct fr_pgp_signer *s)
{
	return s->fpr;
}

int fr_pgp_sign(struct fr_pgp_signer *s, enum fr_pgp_mode mode, const void *data, size_t len, const char *path,
		long long epoch, struct fr_buf *out, struct fr_err *err)
{
	char faked[40];
	const char *args[16];
	size_t n = 0;

	args[n++] = "--yes";
	args[n++] = "--digest-algo";
	args[n++] = "SHA512";
	args[n++] = "--local-user";
	args[n++] = s->fpr;
	if (epoch > 0) {
		/* a signature older than its key fails verification: never before the key */
		snprintf(faked, sizeof(faked), "%lld!", epoch > s->created ? epoch : s->created);
		args[n++] = "--faked-system-time";
		args[n++] = faked;
		args[n++] = "--ignore-time-conflict";
	}
	switch (mode) {
	case FR_PGP_CLEARSIGN:
		args[n++] = "--clearsign";
		break;
	case FR_PGP_DETACH_ARMOR:
		args[n++] = "--armor";
		args[n++] = "--detach-sign";
		break;
	case FR_PGP_DETACH_BINARY:
		args[n++] = "--detach-sign";
		break;
	}
	args[n++] = "--output";
	args[n++] = "-";
	if (path)
		args[n++] = path;
	args[n] = NULL;
	return gpg(s->home, args, path ? NULL : data, path ? 0 : len, out, err);
}

/* A binary keyring for gpgv from keyfile (dearmored when armored), in home. */
static char *keyring(const char *home, const char *keyfile, struct fr_err *err)
{
	char *data = NULL, *ring = fr_xasprintf("%s/keyring.gpg", home);
	size_t len;

	if (fr_read_file(keyfile, 1u << 20, &data, &len, err) < 0)
		goto fail;
	if (len > 10 && strncmp(data, "-----BEGIN", 10) == 0) {
		struct fr_buf bin = FR_BUF_INIT;
		const char *deh[] = { "--dearmor", NULL };

		if (gpg(home, deh, data, len, &bin, err) < 0) {
			fr_buf_release(&bin);
			goto fail;
		}
		free(data);
		data = fr_buf_detach(&bin, &len);
	}
	if (fr_write_atomic(ring, data, len, 0600, 0, err) < 0)
		goto fail;
	free(data);
	return ring;
fail:
	free(data);
	free(ring);
	return NULL;
}

/*
 * A detached signature through sqv, the verifier Debian 13's apt uses (its minimal system has
 * no gpgv): the key file as it is (binary or armored), the signature, the data.
 */
static int sqv(const char *keyfile, const char *sigpath, const char *datapath, struct fr_err *err)
{
	const char *argv[] = { "sqv", "--keyring", keyfile, sigpath, datapath, NULL };
	struct fr_buf out = FR_BUF_INIT, e = FR_BUF_INIT;
	int st = 0, r = fr_exec(argv, NULL, NULL, 0, &out, &e, &st, err);

	if (r == 0 && st != 0)
		r = fr_err_set(err, FR_ECRYPTO, "sqv: %.*s", (int)strcspn(e.len ? e.buf : "bad signature", "\n"),
			       e.len ? e.buf : "bad signature");
	fr_buf_release(&out);
	fr_buf_release(&e);
	return r;
}

/* Which verifier: gpgv where there is one, else sqv; FARROW_PGP_VERIFY=gpgv|sqv chooses. */
static int use_sqv(void)
{
	const char *v = getenv("FARROW_PGP_VERIFY");

	if (v && *v)
		return strcmp(v, "sqv") == 0;
	return !fr_exec_have("gpgv") && fr_exec_have("sqv");
}

static int gpgv(const char *keyfile, const char *sigpath, const char *datapath, struct fr_buf *content,
		const char *home, struct fr_err *err)
{
	char *ring;

	if (content == NULL && datapath && use_sqv())
		return sqv(keyfile, sigpath, datapath, err);
	ring = keyring(home, keyfile, err);
	const char *argv[12];
	struct fr_buf e = FR_BUF_INIT;
	size_t n = 0;
	int st = 0, r;

	if (ring == NULL)
		return FR_EIO;
	argv[n++] = "gpgv";
	argv[n++] = "--homedir";
	argv[n++] = home;
	argv[n++] = "--keyring";
	argv[n++] = ring;
	if (content) {
		argv[n++] = "--output";
		argv[n++] = "-";
	}
	argv[n++] = sigpath;
	if (datapath)
		argv[n++] = datapath;
	argv[n] = NULL;
	r = fr_exec(argv, NULL, NULL, 0, content, &e, &st, err);
	if (r == 0 && st != 0)
		r = fr_err_set(err, FR_ECRYPTO, "%s", why(&e));
	fr_buf_release(&e);
	free(ring);
	return r;
}

int fr_pgp_verify_detached(const char *keyfile, const void *sig, size_t siglen, const char *datapath,
			   struct fr_err *err)
{
	char *home = mkhome(err), *sigpath = NULL;
	int r = FR_EIO;

	if (home == NULL)
		return FR_EIO;
	sigpath = fr_xasprintf("%s/data.sig", home);
	if (fr_write_atomic(sigpath, sig, siglen, 0600, 0, err) == 0)
		r = gpgv(keyfile, sigpath, datapath, NULL, home, err);
	free(sigpath);
	rmhome(home);
	return r;
}

int fr_pgp_verify_clearsigned(const char *keyfile, const void *text, size_t len, struct fr_buf *content,
			      struct fr_err *err)
{
	char *home = mkhome(err), *path = NULL;
	int r = FR_EIO;

	if (home == NULL)
		return FR_EIO;
	path = fr_xasprintf("%s/InRelease", home);
	if (fr_write_atomic(path, text, len, 0600, 0, err) == 0)
		r = gpgv(keyfile, path, NULL, content, home, err);
	free(path);
	rmhome(home);
	return r;
}

int fr_pgp_fingerprint(const char *keyfile, char out[41], struct fr_err *err)
{
	char *home = mkhome(err);
	const char *imp[] = { "--import", keyfile, NULL };
	int r;

	if (home == NULL)
		return FR_EIO;
	r = gpg(home, imp, NULL, 0, NULL, err);
	if (r == 0)
		r = first_key(home, 0, out, NULL, err);
	rmhome(home);
	return r;
}

int fr_pgp_sign_files(const char *sign_key, const char *text, size_t len, long long epoch, const char *path,
		      const char *sigpath, struct fr_err *err)
{
	struct fr_pgp_signer *signer;
	struct fr_buf s = FR_BUF_INIT;
	int r;

	if (access(path, F_OK) == 0 || access(sigpath, F_OK) == 0)
		return fr_err_set(err, FR_EARG, "'%s' exists: farrow does not overwrite it",
				  access(path, F_OK) == 0 ? path : sigpath);
	if ((signer = fr_pgp_signer_open(sign_key, err)) == NULL)
		return FR_ECRYPTO;
	r = fr_pgp_sign(signer, FR_PGP_DETACH_BINARY, text, len, NULL, epoch, &s, err);
	fr_pgp_signer_close(signer);
	if (r == 0 && (r = fr_write_atomic(path, text, len, 0644, 0, err)) == 0 &&
	    (r = fr_write_atomic(sigpath, s.buf, s.len, 0644, 0, err)) < 0)
		unlink(path);
	fr_buf_release(&s);
	return r;
}
