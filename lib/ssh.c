/* ssh.c -- run commands on and copy files to a node over SSH (libssh2), host keys checked. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libssh2.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "ssh.h"
#include "xalloc.h"

void fr_ssh_opts_for_host(const struct fr_inventory *inv, const struct fr_host *h, const struct fr_ssh_opts *base,
			  struct fr_ssh_opts *out)
{
	long long port = 22;

	*out = *base;
	fr_inv_int(inv, h, "ansible_port", &port);
	out->host = h->ip;
	out->port = (int)port;
	out->user = fr_inv_str(inv, h, "ansible_user");
}

struct fr_ssh {
	int fd;
	LIBSSH2_SESSION *s;
	char *host;
};

static char *home_path(const char *rel)
{
	const char *h = getenv("HOME");

	return fr_xasprintf("%s/%s", h && *h ? h : "/root", rel);
}

/* TCP connect with a timeout. Returns the socket or -1 with err filled. */
static int tcp_connect(const char *host, int port, int timeout, struct fr_err *err)
{
	struct addrinfo hints = { 0 }, *res = NULL, *ai;
	char ports[16];
	int fd = -1, rc;

	hints.ai_socktype = SOCK_STREAM;
	snprintf(ports, sizeof(ports), "%d", port);
	if ((rc = getaddrinfo(host, ports, &hints, &res)) != 0) {
		fr_err_set(err, FR_ENOTFOUND, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		struct pollfd p;
		int so = 0;
		socklen_t sl = sizeof(so);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
			fr_err_set(err, FR_ENOTFOUND, "%s:%d: %s", host, port, strerror(errno));
			close(fd);
			fd = -1;
			continue;
		}
		p.fd = fd;
		p.events = POLLOUT;
		rc = poll(&p, 1, timeout * 1000);
		if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl) == 0 && so == 0) {
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
			break;
		}
		fr_err_set(err, FR_ENOTFOUND, "%s:%d: %s", host, port,
			   rc == 0 ? "no answer (timed out)" : strerror(so ? so : errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static const char *sshmsg(LIBSSH2_SESSION *s)
{
	char *m = NULL;

	libssh2_session_last_error(s, &m, NULL, 0);
	return m ? m : "unknown error";
}

static int check_host_key(struct fr_ssh *c, const struct fr_ssh_opts *o, struct fr_err *err)
{
	LIBSSH2_KNOWNHOSTS *kh = libssh2_knownhost_init(c->s);
	char *path = o->known_hosts ? fr_xstrdup(o->known_hosts) : home_path(".ssh/known_hosts");
	const char *key;
	size_t len;
	int type, rc, r = 0, port = o->port ? o->port : 22;
	struct libssh2_knownhost *found = NULL;
	char hostspec[300];

	if (kh == NULL) {
		free(path);
		return fr_err_set(err, FR_ECRYPTO, "%s: cannot check host keys", o->host);
	}
	libssh2_knownhost_readfile(kh, path, LIBSSH2_KNOWNHOST_FILE_OPENSSH); /* missing is fine */
	key = libssh2_session_hostkey(c->s, &len, &type);
	if (key == NULL) {
		r = fr_err_set(err, FR_ECRYPTO, "%s: no host key", o->host);
		goto out;
	}
	rc = libssh2_knownhost_checkp(kh, o->host, port, key, len,
				      LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW, &found);
	if (rc == LIBSSH2_KNOWNHOST_CHECK_MATCH)
		goto out;
	if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
		r = fr_err_set(err, FR_ECRYPTO,
			       "%s: HOST KEY CHANGED (it differs from %s): refusing to connect; "
			       "if the node was reinstalled, remove its old key (ssh-keygen -R %s)",
			       o->host, path, o->host);
		goto out;
	}
	if (!o->accept_new) {
		r = fr_err_set(err, FR_ECRYPTO,
			       "%s: unknown host key (not in %s): refusing to connect; "
			       "check it and add it, or pass --accept-new-host-keys",
			       o->host, path);
		goto out;
	}
	{
		int kt = type == LIBSSH2_HOSTKEY_TYPE_RSA ? LIBSSH2_KNOWNHOST_KEY_SSHRSA
#ifdef LIBSSH2_HOSTKEY_TYPE_ED25519
			 : type == LIBSSH2_HOSTKEY_TYPE_ED25519 ? LIBSSH2_KNOWNHOST_KEY_ED25519
#endif
#ifdef LIBSSH2_HOSTKEY_TYPE_ECDSA_256
			 : type == LIBSSH2_HOSTKEY_TYPE_ECDSA_256 ? LIBSSH2_KNOWNHOST_KEY_ECDSA_256
			 : type == LIBSSH2_HOSTKEY_TYPE_ECDSA_384 ? LIBSSH2_KNOWNHOST_KEY_ECDSA_384
			 : type == LIBSSH2_HOSTKEY_TYPE_ECDSA_521 ? LIBSSH2_KNOWNHOST_KEY_ECDSA_521
#endif
								: LIBSSH2_KNOWNHOST_KEY_UNKNOWN;

		if (port == 22)
			snprintf(hostspec, sizeof(hostspec), "%s", o->host);
		else
			snprintf(hostspec, sizeof(hostspec), "[%s]:%d", o->host, port);
		{
			/* like ssh: the directory of known_hosts (~/.ssh) is made, 0700, when missing */
			char *dir = fr_xstrdup(path), *slash = strrchr(dir, '/');

			if (slash && slash != dir) {
				*slash = '\0';
				fr_mkdir_p(dir, 0700, NULL);
			}
			free(dir);
		}
		{
			/*
			 * Hosts are installed in parallel, a process each: the file is locked, read again
			 * (another process may have added its host meanwhile) and written under the lock,
			 * so no process's new key is lost.
			 */
			int lfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
			LIBSSH2_KNOWNHOSTS *now = libssh2_knownhost_init(c->s);

			if (lfd < 0 || flock(lfd, LOCK_EX) < 0 || now == NULL) {
				r = fr_err_set(err, FR_ECRYPTO, "%s: cannot lock %s: %s", o->host, path, strerror(errno));
			} else {
				libssh2_knownhost_readfile(now, path, LIBSSH2_KNOWNHOST_FILE_OPENSSH);
				if (libssh2_knownhost_addc(now, hostspec, NULL, key, len, NULL, 0,
							   LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | kt,
							   NULL) != 0 ||
				    libssh2_knownhost_writefile(now, path, LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0)
					r = fr_err_set(err, FR_ECRYPTO, "%s: cannot record its host key in %s", o->host, path);
			}
			if (now)
				libssh2_knownhost_free(now);
			if (lfd >= 0)
				close(lfd); /* and the lock with it */
		}
	}
out:
	libssh2_knownhost_free(kh);
	free(path);
	return r;
}

struct fr_ssh *fr_ssh_connect(const struct fr_ssh_opts *o, struct fr_err *err)
{
	struct fr_ssh *c = fr_xcalloc(1, sizeof(*c));
	int timeout = o->timeout > 0 ? o->timeout : 10, port = o->port ? o->port : 22;
	const char *user = o->user ? o->user : "root";
	char *key = NULL, *pub = NULL;

	c->fd = -1;
	c->host = fr_xstrdup(o->host);
	if ((c->fd = tcp_connect(o->host, port, timeout, err)) < 0)
		goto fail;
	c->s = libssh2_session_init();
	libssh2_session_set_timeout(c->s, (long)timeout * 1000);
	if (libssh2_session_handshake(c->s, c->fd) != 0) {
		fr_err_set(err, FR_ENOTFOUND, "%s:%d: SSH handshake failed: %s", o->host, port, sshmsg(c->s));
		goto fail;
	}
	if (check_host_key(c, o, err) < 0)
		goto fail;
	if (o->key)
		key = fr_xstrdup(o->key);
	else {
		key = home_path(".ssh/id_ed25519");
		if (access(key, R_OK) != 0) {
			free(key);
			key = home_path(".ssh/id_rsa");
		}
	}
	pub = fr_xasprintf("%s.pub", key);
	if (libssh2_userauth_publickey_fromfile(c->s, user, access(pub, R_OK) == 0 ? pub : NULL, key, NULL) != 0) {
		fr_err_set(err, FR_ECRYPTO, "%s: key authentication as %s with '%s' failed: %s", o->host, user, key,
			   sshmsg(c->s));
		goto fail;
	}
	free(key);
	free(pub);
	return c;
fail:
	free(key);
	free(pub);
	fr_ssh_close(c);
	return NULL;
}

void fr_ssh_set_timeout(struct fr_ssh *c, int seconds)
{
	libssh2_session_set_timeout(c->s, (long)seconds * 1000);
}

void fr_ssh_close(struct fr_ssh *c)
{
	if (c == NULL)
		return;
	if (c->s) {
		libssh2_session_disconnect(c->s, "farrow done");
		libssh2_session_free(c->s);
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c->host);
	free(c);
}

int fr_ssh_exec(struct fr_ssh *c, const char *cmd, const void *in, size_t inlen, struct fr_buf *out,
		struct fr_buf *errout, int *status, struct fr_err *err)
{
	LIBSSH2_CHANNEL *ch = libssh2_channel_open_session(c->s);
	char buf[32768];
	ssize_t n;
	int r = 0;

	if (ch == NULL)
		return fr_err_set(err, FR_EIO, "%s: cannot open a channel: %s", c->host, sshmsg(c->s));
	if (libssh2_channel_exec(ch, cmd) != 0) {
		r = fr_err_set(err, FR_EIO, "%s: cannot run a command: %s", c->host, sshmsg(c->s));
		goto out;
	}
	if (in && inlen) {
		size_t done = 0;

		while (done < inlen) {
			n = libssh2_channel_write(ch, (const char *)in + done, inlen - done);
			if (n < 0) {
				r = fr_err_set(err, FR_EIO, "%s: write failed: %s", c->host, sshmsg(c->s));
				goto out;
			}
			done += (size_t)n;
		}
	}
	libssh2_channel_send_eof(ch);
	for (;;) {
		int got = 0;

		while ((n = libssh2_channel_read(ch, buf, sizeof(buf))) > 0) {
			if (out)
				fr_buf_addn(out, buf, (size_t)n);
			got = 1;
		}
		if (n < 0 && n != LIBSSH2_ERROR_EAGAIN) {
			r = fr_err_set(err, FR_EIO, "%s: read failed: %s", c->host, sshmsg(c->s));
			goto out;
		}
		while ((n = libssh2_channel_read_stderr(ch, buf, sizeof(buf))) > 0) {
			if (errout)
				fr_buf_addn(errout, buf, (size_t)n);
			got = 1;
		}
		if (libssh2_channel_eof(ch))
			break;
		if (!got && n < 0 && n != LIBSSH2_ERROR_EAGAIN)
			break;
	}
	libssh2_channel_close(ch);
	libssh2_channel_wait_closed(ch);
	*status = libssh2_channel_get_exit_status(ch);
out:
	libssh2_channel_free(ch);
	return r;
}

int fr_ssh_put(struct fr_ssh *c, const char *local, const char *remote, int mode, struct fr_err *err)
{
	struct stat st;
	LIBSSH2_CHANNEL *ch = NULL;
	FILE *f = NULL;
	char *part = fr_xasprintf("%s.part", remote), *cmd = NULL, buf[65536];
	size_t n;
	int r = 0, status = 0;

	if (stat(local, &st) < 0 || (f = fopen(local, "rb")) == NULL) {
		r = fr_err_set(err, FR_EIO, "cannot read '%s': %s", local, strerror(errno));
		goto out;
	}
	ch = libssh2_scp_send64(c->s, part, mode & 0777, (libssh2_int64_t)st.st_size, 0, 0);
	if (ch == NULL) {
		r = fr_err_set(err, FR_EIO, "%s: cannot copy to '%s': %s", c->host, part, sshmsg(c->s));
		goto out;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		size_t done = 0;

		while (done < n) {
			ssize_t w = libssh2_channel_write(ch, buf + done, n - done);

			if (w < 0) {
				r = fr_err_set(err, FR_EIO, "%s: copy of '%s' failed: %s", c->host, local, sshmsg(c->s));
				goto out;
			}
			done += (size_t)w;
		}
	}
	libssh2_channel_send_eof(ch);
	libssh2_channel_wait_eof(ch);
	libssh2_channel_wait_closed(ch);
	libssh2_channel_free(ch);
	ch = NULL;
	cmd = fr_xasprintf("mv -f '%s' '%s'", part, remote);
	if ((r = fr_ssh_exec(c, cmd, NULL, 0, NULL, NULL, &status, err)) == 0 && status != 0)
		r = fr_err_set(err, FR_EIO, "%s: cannot rename '%s'", c->host, part);
out:
	if (ch)
		libssh2_channel_free(ch);
	if (f)
		fclose(f);
	free(part);
	free(cmd);
	return r;
}
