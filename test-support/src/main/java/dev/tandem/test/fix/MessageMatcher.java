package dev.tandem.test.fix;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches a received message against an expected one by the fair rules of the acceptance suite's README:
 * <ol>
 *     <li>BeginString (8), BodyLength (9) and MsgType (35) lead, in that order, and CheckSum (10) is last;</li>
 *     <li>BodyLength and CheckSum are correct for the bytes received (their expected values are ignored);</li>
 *     <li>every other expected field is present exactly once with a matching value: literally, or by the pattern from
 *     {@code fields.fmt} for the pattern fields (timestamps with any sub-second precision);</li>
 *     <li>Text (58) is free text: it must be present once when expected, with any wording;</li>
 *     <li>no field is present that the expected message does not have.</li>
 * </ol>
 * The order of fields other than 8, 9, 35 and 10 is the engine's choice and is not checked.
 * Immutable; safe to share between threads.
 */
public final class MessageMatcher
{
    /** Text: free wording. */
    public static final int TEXT = 58;

    private final FieldPatterns patterns;
    private final Set<Integer> toleratedExtraTags;

    /**
     * A strict matcher: every rule above applies.
     *
     * @param patterns the pattern fields from {@code fields.fmt}.
     */
    public MessageMatcher(final FieldPatterns patterns)
    {
        this(patterns, Set.of());
    }

    /**
     * A matcher that lets the given tags appear although the expected message does not have them. Only for recording a
     * known deviation of a reference engine; our own engine is always matched strictly.
     *
     * @param patterns           the pattern fields from {@code fields.fmt}.
     * @param toleratedExtraTags tags exempt from the "no unexpected field" rule.
     */
    public MessageMatcher(final FieldPatterns patterns, final Set<Integer> toleratedExtraTags)
    {
        this.patterns = patterns;
        this.toleratedExtraTags = Set.copyOf(toleratedExtraTags);
    }

    /**
     * Compares a received message with the expected fields.
     *
     * @param expected the fields of the {@code E} line.
     * @param received the message received.
     * @return one line per violated rule; empty when the message matches.
     */
    public List<String> mismatches(final List<FixField> expected, final FixMessage received)
    {
        final List<String> problems = new ArrayList<>();
        final List<FixField> fields = received.fields();

        checkLeader(fields, 0, 8, problems);
        checkLeader(fields, 1, 9, problems);
        checkLeader(fields, 2, 35, problems);
        if (fields.isEmpty() || fields.get(fields.size() - 1).tag() != 10)
        {
            problems.add("CheckSum (10) is not the last field");
        }
        else
        {
            final String declaredCheckSum = fields.get(fields.size() - 1).value();
            final int actualCheckSum = received.actualCheckSum();
            if (!declaredCheckSum.matches("\\d{3}") || Integer.parseInt(declaredCheckSum) != actualCheckSum)
            {
                problems.add("CheckSum 10=" + declaredCheckSum + " but the bytes sum to " +
                    String.format("%03d", actualCheckSum));
            }
        }
        final String declaredBodyLength = received.value(9);
        if (declaredBodyLength != null)
        {
            final int actualBodyLength = received.actualBodyLength();
            if (!declaredBodyLength.equals(Integer.toString(actualBodyLength)))
            {
                problems.add("BodyLength 9=" + declaredBodyLength + " but the body has " + actualBodyLength + " bytes");
            }
        }

        final Map<Integer, List<String>> receivedByTag = new HashMap<>();
        for (final FixField field : fields)
        {
            if (field.tag() < 0)
            {
                problems.add("garbled field '" + field.value() + "'");
                continue;
            }
            receivedByTag.computeIfAbsent(field.tag(), t -> new ArrayList<>()).add(field.value());
        }

        final Map<Integer, Integer> expectedCount = new HashMap<>();
        for (final FixField field : expected)
        {
            expectedCount.merge(field.tag(), 1, Integer::sum);
            final int tag = field.tag();
            if (tag == 9 || tag == 10)
            {
                continue;
            }
            final List<String> values = receivedByTag.get(tag);
            if (values == null)
            {
                problems.add("missing " + field);
            }
            else if (values.size() != 1)
            {
                problems.add("tag " + tag + " present " + values.size() + " times " + values + ", expected once");
            }
            else if (tag == TEXT)
            {
                if (values.get(0).isEmpty())
                {
                    problems.add("58 (Text) is empty");
                }
            }
            else if (patterns.isPattern(tag))
            {
                if (!patterns.matches(tag, values.get(0)))
                {
                    problems.add(tag + "=" + values.get(0) + " does not match pattern " + patterns.pattern(tag));
                }
            }
            else if (!values.get(0).equals(field.value()))
            {
                problems.add(tag + "=" + values.get(0) + ", expected " + field);
            }
        }

        for (final Map.Entry<Integer, List<String>> entry : receivedByTag.entrySet())
        {
            final int tag = entry.getKey();
            if (tag == 9 || tag == 10)
            {
                if (entry.getValue().size() != 1)
                {
                    problems.add("tag " + tag + " present " + entry.getValue().size() + " times");
                }
                continue;
            }
            if (!expectedCount.containsKey(tag) && !toleratedExtraTags.contains(tag))
            {
                problems.add("unexpected field " + tag + "=" + entry.getValue().get(0));
            }
        }
        return problems;
    }

    private static void checkLeader(final List<FixField> fields, final int index, final int tag, final List<String> problems)
    {
        if (fields.size() <= index || fields.get(index).tag() != tag)
        {
            problems.add("field " + (index + 1) + " is " + (fields.size() <= index ? "absent" : fields.get(index)) +
                ", expected tag " + tag);
        }
    }
}
