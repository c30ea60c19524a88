package dev.taskq.admin;

import dev.taskq.queue.QueueControl;
import dev.taskq.rest.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/**
 * {@code /api/admin/overview} (the queue's figures, as the console shows them) and {@code /api/admin/pause}
 * ({@code PUT} pauses every server's consumers, {@code DELETE} resumes them), for scripts with HTTP Basic.
 */
@Path("admin")
@RequestScoped
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class QueueAdminResource {

    @Inject
    QueueFigures figures;

    @Inject
    QueueControl control;

    @Context
    SecurityContext security;

    @GET
    @Path("overview")
    public Response overview() {
        return Response.ok(figures.overviewJson().toString(), MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store").build();
    }

    @PUT
    @Path("pause")
    public Response pause() {
        control.pause(security.getUserPrincipal().getName());
        return Response.noContent().build();
    }

    @DELETE
    @Path("pause")
    public Response resume() {
        control.resume();
        return Response.noContent().build();
    }
}
