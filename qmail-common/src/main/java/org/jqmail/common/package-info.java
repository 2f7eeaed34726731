/**
 * Formats shared by the jqmail programs: control files ({@link org.jqmail.common.ControlFile}, and the
 * list formats built on them: {@link org.jqmail.common.ConstMap}, {@link org.jqmail.common.RcptHosts},
 * {@link org.jqmail.common.VirtualDomains}), envelopes, queue layout, netstrings, cdb, addresses, dates,
 * exit codes, durable writes and inherited fds. Nothing here spawns, networks or logs.
 */
package org.jqmail.common;
