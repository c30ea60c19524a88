package dev.taskq.bench;

import dev.taskq.testing.Deployments;
import java.io.File;
import java.nio.file.Path;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The WAR the benchmark deploys: the packaged {@code target/taskq.war} unchanged, plus the benchmark-only classes
 * (a trivial endpoint and three handlers) and the settings of one benchmark phase. The production WAR never holds them.
 */
final class BenchDeployment {

    /**
     * The abuse limits and the backlog cap on, so each submission pays for their checks, but far beyond what a run
     * sends (the load comes from one client, to one address). A phase's own settings come later and win.
     */
    static final String CHECKED_NEVER_REACHED = "taskq.limit.recipient-per-hour=2000000000\n"
            + "taskq.limit.recipient-per-day=2000000000\ntaskq.limit.client-per-hour=2000000000\n"
            + "taskq.backlog.max=2000000000\n";

    private BenchDeployment() {
    }

    /** Writes the benchmark WAR for these MicroProfile Config lines ({@code name=value\n…}) and returns it. */
    static File write(Path packagedWar, Path directory, String settings) {
        WebArchive war = Deployments.childFirst(ShrinkWrap.create(WebArchive.class, "taskq-bench.war")
                        .merge(ShrinkWrap.createFromZipFile(WebArchive.class, packagedWar.toFile())))
                .addClasses(PingResource.class, NoopHandler.class, NoopMailHandler.class, HoldHandler.class)
                .addAsResource(new StringAsset(CHECKED_NEVER_REACHED + settings),
                        "META-INF/microprofile-config.properties");
        File file = directory.resolve("taskq-bench.war").toFile();
        war.as(ZipExporter.class).exportTo(file, true);
        return file;
    }
}
