package org.jqmail.remote;

import java.net.InetAddress;

/**
 * One address to try, with the preference of the MX it came from (0 for an A record or a relay), and the
 * name it was found under (the exchanger's, or the relay's): TLS sends it as SNI and checks the server's
 * certificate against it. For an address literal it is the address's text (no SNI is sent for it).
 */
record Target(InetAddress address, int preference, String name) {}
