package io.sfsync.routes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.support.DefaultExchange;

import io.sfsync.mapping.Transforms;

/**
 * {@code transform: ["simple:${body[first_name]} ${body[last_name]}"]}: a Camel Simple expression with
 * the source row as the body and the value so far as the header {@code value}.
 */
final class SimpleExpressions implements Transforms.ExpressionEvaluator {
    private final CamelContext camel;
    private final Map<String, Expression> compiled = new ConcurrentHashMap<>();

    SimpleExpressions(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public Object evaluate(String expression, Object value, Map<String, Object> row) {
        Expression e = compiled.computeIfAbsent(expression, x -> {
            Expression created = camel.resolveLanguage("simple").createExpression(x);
            created.init(camel);
            return created;
        });
        Exchange ex = new DefaultExchange(camel);
        ex.getMessage().setBody(row);
        ex.getMessage().setHeader("value", value);
        return e.evaluate(ex, Object.class);
    }
}
