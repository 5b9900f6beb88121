/*
 * Test-node analysis plugin for the platform's OpenSearch index templates.
 *
 * The OpenSearch integration-test distribution ships without the analysis-common module and
 * the analysis-nori plugin zip is not obtainable from our package registry, so this small
 * plugin registers, under their standard names, the analysis components our templates use,
 * built directly on Lucene's classes (lucene-analysis-nori from Maven, lucene-analysis-common
 * from the distribution's lib/):
 *   tokenizers: nori_tokenizer (decompound_mode, discard_punctuation), keyword
 *   filters:    nori_part_of_speech (stoptags), nori_readingform, lowercase, edge_ngram (min_gram, max_gram)
 *   analyzer:   nori
 * With a production OpenSearch (analysis-common + the official analysis-nori) the same templates
 * work unchanged; this plugin is only installed into the test node (jobs/opensearch_node.py).
 */
package krx.opensearch;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.ko.KoreanAnalyzer;
import org.apache.lucene.analysis.ko.KoreanPartOfSpeechStopFilter;
import org.apache.lucene.analysis.ko.KoreanReadingFormFilter;
import org.apache.lucene.analysis.ko.KoreanTokenizer;
import org.apache.lucene.analysis.ko.POS;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.opensearch.index.analysis.AbstractTokenFilterFactory;
import org.opensearch.index.analysis.AbstractTokenizerFactory;
import org.opensearch.index.analysis.AnalyzerProvider;
import org.opensearch.index.analysis.TokenFilterFactory;
import org.opensearch.index.analysis.TokenizerFactory;
import org.opensearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.opensearch.plugins.AnalysisPlugin;
import org.opensearch.plugins.Plugin;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

public class KrxAnalysisPlugin extends Plugin implements AnalysisPlugin {

    static KoreanTokenizer.DecompoundMode mode(Settings settings) {
        String value = settings.get("decompound_mode");
        return value == null ? KoreanTokenizer.DEFAULT_DECOMPOUND
            : KoreanTokenizer.DecompoundMode.valueOf(value.toUpperCase(Locale.ROOT));
    }

    static Set<POS.Tag> stopTags(Settings settings) {
        List<String> tags = settings.getAsList("stoptags");
        if (tags == null || tags.isEmpty()) {
            return KoreanPartOfSpeechStopFilter.DEFAULT_STOP_TAGS;
        }
        Set<POS.Tag> out = new HashSet<>();
        for (String tag : tags) {
            out.add(POS.resolveTag(tag));
        }
        return out;
    }

    public static class NoriTokenizer extends AbstractTokenizerFactory {
        private final KoreanTokenizer.DecompoundMode mode;
        private final boolean discardPunctuation;

        public NoriTokenizer(IndexSettings index, Environment env, String name, Settings settings) {
            super(index, settings, name);
            mode = mode(settings);
            discardPunctuation = settings.getAsBoolean("discard_punctuation", true);
        }

        @Override
        public Tokenizer create() {
            return new KoreanTokenizer(KoreanTokenizer.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, null, mode, false, discardPunctuation);
        }
    }

    public static class Keyword extends AbstractTokenizerFactory {
        public Keyword(IndexSettings index, Environment env, String name, Settings settings) {
            super(index, settings, name);
        }

        @Override
        public Tokenizer create() {
            return new KeywordTokenizer();
        }
    }

    public static class PartOfSpeech extends AbstractTokenFilterFactory {
        private final Set<POS.Tag> tags;

        public PartOfSpeech(IndexSettings index, Environment env, String name, Settings settings) {
            super(index, name, settings);
            tags = stopTags(settings);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new KoreanPartOfSpeechStopFilter(in, tags);
        }
    }

    public static class ReadingForm extends AbstractTokenFilterFactory {
        public ReadingForm(IndexSettings index, Environment env, String name, Settings settings) {
            super(index, name, settings);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new KoreanReadingFormFilter(in);
        }
    }

    public static class Lowercase extends AbstractTokenFilterFactory {
        public Lowercase(IndexSettings index, Environment env, String name, Settings settings) {
            super(index, name, settings);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new LowerCaseFilter(in);
        }
    }

    public static class EdgeNGram extends AbstractTokenFilterFactory {
        private final int min;
        private final int max;

        public EdgeNGram(IndexSettings index, Environment env, String name, Settings settings) {
            super(index, name, settings);
            min = settings.getAsInt("min_gram", 1);
            max = settings.getAsInt("max_gram", 2);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new EdgeNGramTokenFilter(in, min, max, false);
        }
    }

    public static class Nori extends AbstractIndexAnalyzerProvider<KoreanAnalyzer> {
        private final KoreanAnalyzer analyzer;

        public Nori(IndexSettings index, Environment env, String name, Settings settings) {
            super(index, name, settings);
            analyzer = new KoreanAnalyzer(null, mode(settings), stopTags(settings), false);
        }

        @Override
        public KoreanAnalyzer get() {
            return analyzer;
        }
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> out = new HashMap<>();
        out.put("nori_tokenizer", NoriTokenizer::new);
        out.put("keyword", Keyword::new);
        return out;
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> out = new HashMap<>();
        out.put("nori_part_of_speech", PartOfSpeech::new);
        out.put("nori_readingform", ReadingForm::new);
        out.put("lowercase", Lowercase::new);
        out.put("edge_ngram", EdgeNGram::new);
        return out;
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> out = new HashMap<>();
        out.put("nori", Nori::new);
        return out;
    }
}
