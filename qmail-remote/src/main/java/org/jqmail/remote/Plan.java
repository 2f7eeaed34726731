package org.jqmail.remote;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * What one delivery asks of whichever server takes it: the names and addresses (quoted for SMTP), the
 * TLS rule of control/tlsdestinations, the AUTH credentials of the smtproute (or null), what the message
 * needs (SMTPUTF8 for its envelope or its header, BODY=8BITMIME), the message itself, and the root that
 * relative paths in control files are taken from (qmail-remote works in it, as qmail's chdir).
 */
record Plan(String helohost, String sender, List<String> recipients, TlsDestinations.Rule tls, Credentials auth,
        boolean utf8Envelope, boolean utf8Header, boolean eightBit, InputStream message, Path root) {}
