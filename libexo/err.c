/*
 * libexo/err.c — names and descriptions of the kernel's error codes.
 */
#include <exo/types.h>

static const struct {
	const char *name, *text;
} errs[EXO_ERR_COUNT] = {
	[EXO_OK] = { "EXO_OK", "success" },
	[EXO_ENOPARTNER] = { "EXO_ENOPARTNER", "no partner" },
	[EXO_ETIMEOUT] = { "EXO_ETIMEOUT", "timeout" },
	[EXO_ECANCELED] = { "EXO_ECANCELED", "cancelled" },
	[EXO_EMSGSIZE] = { "EXO_EMSGSIZE", "message too big" },
	[EXO_EBADITEM] = { "EXO_EBADITEM", "bad item" },
	[EXO_EDEAD] = { "EXO_EDEAD", "dead partner" },
	[EXO_EINVAL] = { "EXO_EINVAL", "invalid argument" },
	[EXO_ENOMEM] = { "EXO_ENOMEM", "out of kernel resources" },
	[EXO_EEXIST] = { "EXO_EEXIST", "name already registered" },
	[EXO_ENOENT] = { "EXO_ENOENT", "name not registered" },
	[EXO_EPROTO] = { "EXO_EPROTO", "malformed frame" },
	[EXO_ENOSYS] = { "EXO_ENOSYS", "unknown operation" },
	[EXO_EPERM] = { "EXO_EPERM", "not permitted" },
	[EXO_EIO] = { "EXO_EIO", "no kernel channel" },
};

const char *exo_strerror(exo_err err)
{
	return (unsigned)err < EXO_ERR_COUNT ? errs[err].text : "unknown error";
}

const char *exo_errname(exo_err err)
{
	return (unsigned)err < EXO_ERR_COUNT ? errs[err].name : "EXO_E?";
}
