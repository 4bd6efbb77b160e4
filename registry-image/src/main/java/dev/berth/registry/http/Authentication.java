package dev.berth.registry.http;

import org.eclipse.jetty.server.Request;

/**
 * How the registry learns who calls and what they may do ({@code auth.htpasswd} with
 * {@code auth.access}, {@code auth.token}…). Asked once per API request, before routing; the
 * health check is never asked.
 */
interface Authentication {

    /**
     * @param request the request as Jetty has it (a challenge's realm may depend on its Host)
     * @param client the caller's address, for per-client limits and log lines
     * @return what the caller may do; a caller who may do nothing yet is refused by the route
     *     that needs more, whose challenge can then name what it needs
     * @throws RegistryException 401 with a challenge, or 429 when credentials cannot be checked now
     */
    RequestAccess authenticate(Exchange exchange, Request request, String client);
}
