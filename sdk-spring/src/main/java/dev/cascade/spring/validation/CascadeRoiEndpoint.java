package dev.cascade.spring.validation;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import dev.cascade.eval.EvalJson;
import dev.cascade.eval.RoiHtml;
import dev.cascade.eval.RoiReport;

/**
 * {@code /actuator/cascaderoi}: the ROI report of the latest validation run ({@code cascade.validation.*}) as JSON
 * (the same document as {@code roi.json}); {@code /actuator/cascaderoi/html} the same report as the self-contained
 * page ({@code roi.html}: inline CSS and SVG charts, no script, nothing fetched). Before the first run has completed,
 * the JSON says so (with the next run's time) and the page is a 404. Read-only. Exposed like every endpoint, with
 * {@code management.endpoints.web.exposure.include=cascaderoi}; the report holds figures and chain names, no prompt
 * or answer text.
 */
@Endpoint(id = "cascaderoi", defaultAccess = Access.READ_ONLY)
public class CascadeRoiEndpoint {

    private final CascadeValidation validation;

    public CascadeRoiEndpoint(CascadeValidation validation) {
        this.validation = validation;
    }

    /** The latest report as JSON, or a status when there is none yet. */
    @ReadOperation
    @SuppressWarnings("unchecked")
    public Map<String, Object> report() {
        RoiReport report = validation.latestReport().orElse(null);
        if (report == null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", "no validation run has completed yet");
            m.put("validation", validation.describe());
            validation.nextRunAt().ifPresent(t -> m.put("nextRunAt", t.toString()));
            return m;
        }
        // Through cascade-eval's own JSON mapping, so the endpoint's document is exactly roi.json's.
        return EvalJson.mapper().readValue(EvalJson.toJson(report), LinkedHashMap.class);
    }

    /** {@code /actuator/cascaderoi/html}: the page; {@code null} (404) for another format or before the first run. */
    @ReadOperation(produces = "text/html;charset=UTF-8")
    public String page(@Selector String format) {
        if (!"html".equals(format)) {
            return null;
        }
        return validation.latestReport().map(RoiHtml::render).orElse(null);
    }
}
