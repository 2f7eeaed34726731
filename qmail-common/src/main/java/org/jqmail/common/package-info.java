/** Formats shared by the jqmail programs. Nothing here spawns, networks or logs. */
package org.jqmail.common;
