package io.sfsync.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SoqlTest {

    @Test
    void quotesEscapeEverythingThatCouldEndTheLiteral() {
        assertThat(Soql.quote("o'brien@x.example")).isEqualTo("'o\\'brien@x.example'");
        assertThat(Soql.quote("a\\b\"c\nd\re\tf\bg\fh")).isEqualTo("'a\\\\b\\\"c\\nd\\re\\tf\\bg\\fh'");
        assertThat(Soql.quote("x' OR Email != '")).isEqualTo("'x\\' OR Email != \\''");
        assertThat(Soql.quote("Zürich")).isEqualTo("'Zürich'");
    }

    @Test
    void anInListQuotesEachValue() {
        assertThat(Soql.inList(List.of("a@x.example", "o'b@x.example"))).isEqualTo("('a@x.example', 'o\\'b@x.example')");
        assertThat(Soql.inList(List.of("one"))).isEqualTo("('one')");
    }

    @Test
    void urlEncodingMatchesUrlEncoder() {
        for (String q : List.of("SELECT Id FROM Lead WHERE Email IN ('o\\'b@x.example', 'a+b@x.example')",
                "Zürich ☃ 𝄞 ~!@#$%^&()=[]{}|;:,<>/?`\"", "")) {
            assertThat(Soql.urlEncoded(q)).isEqualTo(java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void aContainsPatternEscapesLikeWildcards() {
        assertThat(Soql.containsPattern("100%_o'k")).isEqualTo("'%100\\%\\_o\\'k%'");
    }
}
