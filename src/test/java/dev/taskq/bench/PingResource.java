package dev.taskq.bench;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code POST /api/bench/ping}: the trivial JAX-RS endpoint the enqueue endpoint is measured against. It takes the
 * same request (a JSON body, read in full) and answers 202 with a small JSON body, doing nothing else.
 * Benchmark-only: {@link BenchDeployment} adds it to the benchmark's WAR, never to the production one.
 */
@Path("bench/ping")
@RequestScoped
public class PingResource {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response ping(InputStream body) throws IOException {
        body.readNBytes(64 * 1024 + 1);
        return Response.accepted("{\"status\":\"ok\"}").type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
